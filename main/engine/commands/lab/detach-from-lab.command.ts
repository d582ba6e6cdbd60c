// SPDX-License-Identifier: Apache-2.0
/** DetachFromLab: the network or VM stays, it just no longer belongs to the lab. */
import { labsRepo } from '../../../../db/repos/labs.repo';
import { networksRepo } from '../../../../db/repos/networks.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Lab } from '../../../contract/labs';
import { defineCommand, lockKey } from '../../command';
import { failWith, invalid, notFound, valid } from '../../validation';
import { labLock } from './lab-rules';

interface Plan {
  readonly lab: Lab;
  readonly member: { readonly kind: 'network' | 'vm'; readonly id: string; readonly name: string };
}

export const DetachFromLabCommand = defineCommand<'DetachFromLab', Plan>({
  action: 'detach',
  type: 'Lab member',
  auditCode: 'USER_DETACH_FROM_LAB',
  locks: (_ctx, input) => [
    labLock(input.labId),
    input.networkId !== undefined ? lockKey.network(input.networkId) : lockKey.vm(input.vmId ?? ''),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const lab = labsRepo.findById(c, input.labId);
    if (!lab) throw notFound('lab', input.labId);
    const member =
      input.networkId !== undefined
        ? { kind: 'network' as const, id: input.networkId, in: lab.networkIds }
        : { kind: 'vm' as const, id: input.vmId ?? '', in: lab.vmIds };
    const name =
      member.kind === 'network'
        ? networksRepo.findById(c, member.id)?.name
        : vmsRepo.findById(c, member.id)?.name;
    if (name === undefined) throw notFound(member.kind, member.id);
    const out = failWith('ACTION_TYPE_FAILED_NOT_IN_LAB', {
      entity: member.kind === 'vm' ? 'VM' : 'Network',
      name,
      labName: lab.name,
    }).when(!member.in.includes(member.id));
    return out ? invalid(out) : valid({ lab, member: { kind: member.kind, id: member.id, name } });
  },
  execute: (ctx, _input, plan) => {
    const lab = ctx.database.transaction((tx) => {
      if (plan.member.kind === 'network') labsRepo.removeNetwork(tx, plan.member.id);
      else labsRepo.removeVm(tx, plan.member.id);
      return labsRepo.findById(tx, plan.lab.id) ?? plan.lab;
    });
    ctx.events.entity('lab', plan.lab.id, 'updated');
    return Promise.resolve(lab);
  },
  subject: (input, plan) => ({
    description:
      plan === null
        ? `Lab ${input.labId}`
        : `${plan.member.kind === 'vm' ? 'VM' : 'Network'} ${plan.member.name} out of lab ${plan.lab.name}`,
  }),
});
