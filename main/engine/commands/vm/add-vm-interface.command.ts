// SPDX-License-Identifier: Apache-2.0
/** AddVmInterface: a vNIC on a profile (or unwired); MAC from the pool unless given. */
import { randomUUID } from 'node:crypto';

import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { defineCommand, lockKey } from '../../command';
import { allocateMac, normalizeMac } from '../../mac-pool';
import { CommandFailure, failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateVmTransition } from '../../validators/vm.validator';
import { validateVnicProfile } from '../../validators/vnic.validator';
import { vnicCrossesLab } from '../lab/lab-rules';

interface Plan {
  readonly mac: string | null;
}

export const AddVmInterfaceCommand = defineCommand<'AddVmInterface', Plan>({
  action: 'add',
  type: 'Interface',
  auditCode: 'NETWORK_ADD_VM_INTERFACE',
  locks: (_ctx, input) => [lockKey.vm(input.vmId), 'mac-pool'],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const mac = input.mac === undefined ? null : normalizeMac(input.mac);
    const f = firstFailure(
      () => validateVmTransition(vm.status, 'change-nics'),
      () =>
        failWith('NETWORK_INTERFACE_NAME_ALREADY_IN_USE').when(
          vmNicsRepo.listByVm(c, vm.id).some((n) => n.name === input.name),
        ),
      () => validateVnicProfile(c, vm, input.vnicProfileId),
      // Issue 15: two labs never share a network (the rule lives in lab-rules.ts).
      () => vnicCrossesLab(c, vm, input.vnicProfileId),
      () =>
        failWith('INVALID_INPUT', { detail: `MAC address '${input.mac ?? ''}' is not valid` }).when(
          input.mac !== undefined && mac === null,
        ),
      () =>
        failWith('NETWORK_MAC_ADDRESS_IN_USE', { MacAddress: mac ?? '' }).when(
          mac !== null && vmNicsRepo.findByMac(c, mac) !== null,
        ),
    );
    return f ? invalid(f) : valid({ mac });
  },
  execute: (ctx, input, plan) => {
    const id = randomUUID();
    ctx.database.transaction((tx) => {
      const mac = plan.mac ?? allocateMac(vmNicsRepo.allMacs(tx));
      if (mac === null)
        throw new CommandFailure('ENGINE_INTERNAL_ERROR', { detail: 'MAC pool exhausted' });
      vmNicsRepo.insert(tx, {
        id,
        vmId: input.vmId,
        name: input.name,
        interface: input.interface,
        mac,
        vnicProfileId: input.vnicProfileId ?? null,
        linked: input.linked,
      });
    });
    ctx.events.entity('vm_nic', id, 'added');
    const nic = vmNicsRepo.findById(ctx.database.db, input.vmId, id);
    if (!nic) throw notFound('vm_nic', id);
    return Promise.resolve(nic);
  },
  subject: (input) => ({
    description: `Interface ${input.name} of VM ${input.vmId}`,
    vmId: input.vmId,
  }),
});
