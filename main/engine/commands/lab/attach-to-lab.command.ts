// SPDX-License-Identifier: Apache-2.0
/**
 * AttachToLab: tags a network or VM with a lab (an attachment row). Refused when it belongs
 * to another lab, or when it would connect two labs (a VM of one lab on a network of
 * another). Attaching what is already in this lab changes nothing.
 */
import { labsRepo } from '../../../../db/repos/labs.repo';
import { networksRepo } from '../../../../db/repos/networks.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Lab } from '../../../contract/labs';
import { defineCommand, lockKey } from '../../command';
import { invalid, notFound, valid } from '../../validation';
import { labLock, networkCannotJoin, vmCannotJoin } from './lab-rules';

interface Plan {
  readonly lab: Lab;
  readonly member: { readonly kind: 'network' | 'vm'; readonly id: string; readonly name: string };
  readonly already: boolean;
}

export const AttachToLabCommand = defineCommand<'AttachToLab', Plan>({
  action: 'attach',
  type: 'Lab member',
  auditCode: 'USER_ATTACH_TO_LAB',
  // Every lab's lock is not needed: the member's own lock serializes two labs claiming it.
  locks: (_ctx, input) => [
    labLock(input.labId),
    input.networkId !== undefined ? lockKey.network(input.networkId) : lockKey.vm(input.vmId ?? ''),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const lab = labsRepo.findById(c, input.labId);
    if (!lab) throw notFound('lab', input.labId);
    if (input.networkId !== undefined) {
      const net = networksRepo.findById(c, input.networkId);
      if (!net) throw notFound('network', input.networkId);
      const bad = networkCannotJoin(c, lab, net.id, net.name);
      if (bad) return invalid(bad);
      return valid({
        lab,
        member: { kind: 'network', id: net.id, name: net.name },
        already: lab.networkIds.includes(net.id),
      });
    }
    const vm = vmsRepo.findById(c, input.vmId ?? '');
    if (!vm) throw notFound('vm', input.vmId ?? '');
    const bad = vmCannotJoin(c, lab, vm.id, vm.name);
    if (bad) return invalid(bad);
    return valid({
      lab,
      member: { kind: 'vm', id: vm.id, name: vm.name },
      already: lab.vmIds.includes(vm.id),
    });
  },
  execute: (ctx, _input, plan) => {
    if (plan.already) return Promise.resolve(plan.lab);
    const lab = ctx.database.transaction((tx) => {
      if (plan.member.kind === 'network') labsRepo.addNetwork(tx, plan.lab.id, plan.member.id);
      else labsRepo.addVm(tx, plan.lab.id, plan.member.id);
      return labsRepo.findById(tx, plan.lab.id) ?? plan.lab;
    });
    ctx.events.entity('lab', plan.lab.id, 'updated');
    return Promise.resolve(lab);
  },
  subject: (input, plan) => ({
    description:
      plan === null
        ? `Lab ${input.labId}`
        : `${plan.member.kind === 'vm' ? 'VM' : 'Network'} ${plan.member.name} in lab ${plan.lab.name}`,
    networkId: plan?.member.kind === 'network' ? plan.member.id : null,
    vmId: plan?.member.kind === 'vm' ? plan.member.id : null,
  }),
});
