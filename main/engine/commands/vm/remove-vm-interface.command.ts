// SPDX-License-Identifier: Apache-2.0
/** RemoveVmInterface: while the VM is down (no hot-unplug on this appliance). */
import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { defineCommand, lockKey } from '../../command';
import { invalid, notFound, valid } from '../../validation';
import { validateVmTransition } from '../../validators/vm.validator';

export const RemoveVmInterfaceCommand = defineCommand<'RemoveVmInterface', null>({
  action: 'remove',
  type: 'Interface',
  auditCode: 'NETWORK_REMOVE_VM_INTERFACE',
  locks: (_ctx, input) => [lockKey.vm(input.vmId)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    if (!vmNicsRepo.findById(c, vm.id, input.id)) throw notFound('vm_nic', input.id);
    const f = validateVmTransition(vm.status, 'change-nics');
    return f ? invalid(f) : valid(null);
  },
  execute: (ctx, input) => {
    ctx.database.transaction((tx) => {
      vmNicsRepo.delete(tx, input.id);
    });
    ctx.events.entity('vm_nic', input.id, 'removed');
    return Promise.resolve(null);
  },
  subject: (input) => ({
    description: `Interface ${input.id} of VM ${input.vmId}`,
    vmId: input.vmId,
  }),
});
