// SPDX-License-Identifier: Apache-2.0
/** UpdateVmInterface: name, model, profile, link state — while the VM is down. */
import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateVmTransition } from '../../validators/vm.validator';
import { validateVnicProfile } from '../../validators/vnic.validator';
import { vnicCrossesLab } from '../lab/lab-rules';

export const UpdateVmInterfaceCommand = defineCommand<'UpdateVmInterface', null>({
  action: 'update',
  type: 'Interface',
  auditCode: 'NETWORK_UPDATE_VM_INTERFACE',
  locks: (_ctx, input) => [lockKey.vm(input.vmId)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const nic = vmNicsRepo.findById(c, vm.id, input.id);
    if (!nic) throw notFound('vm_nic', input.id);
    const f = firstFailure(
      () => validateVmTransition(vm.status, 'change-nics'),
      () =>
        failWith('NETWORK_INTERFACE_NAME_ALREADY_IN_USE').when(
          input.name !== undefined &&
            vmNicsRepo.listByVm(c, vm.id).some((n) => n.name === input.name && n.id !== nic.id),
        ),
      () => validateVnicProfile(c, vm, input.vnicProfileId),
      // Issue 15: two labs never share a network (the rule lives in lab-rules.ts).
      () => vnicCrossesLab(c, vm, input.vnicProfileId),
    );
    return f ? invalid(f) : valid(null);
  },
  execute: (ctx, input) => {
    ctx.database.transaction((tx) => {
      vmNicsRepo.update(tx, input.id, {
        name: input.name,
        interface: input.interface,
        linked: input.linked,
        ...(input.vnicProfileId === undefined ? {} : { vnicProfileId: input.vnicProfileId }),
      });
    });
    ctx.events.entity('vm_nic', input.id, 'updated');
    const nic = vmNicsRepo.findById(ctx.database.db, input.vmId, input.id);
    if (!nic) throw notFound('vm_nic', input.id);
    return Promise.resolve(nic);
  },
  subject: (input) => ({
    description: `Interface ${input.id} of VM ${input.vmId}`,
    vmId: input.vmId,
  }),
});
