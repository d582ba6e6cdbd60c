// SPDX-License-Identifier: Apache-2.0
/** RemoveVm: only while down; the libvirt definition (if any) goes first. */
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { hostFailure } from '../../host-networks';
import { invalid, notFound, valid } from '../../validation';
import { validateVmTransition } from '../../validators/vm.validator';

export const RemoveVmCommand = defineCommand<'RemoveVm', Vm>({
  action: 'remove',
  type: 'VM',
  auditCode: 'USER_REMOVE_VM',
  locks: (_ctx, input) => [lockKey.vm(input.id)],
  validate: (ctx, input) => {
    const vm = vmsRepo.findById(ctx.database.db, input.id);
    if (!vm) throw notFound('vm', input.id);
    const f = validateVmTransition(vm.status, 'remove');
    return f ? invalid(f) : valid(vm);
  },
  execute: async (ctx, input) => {
    await ctx.host.domainUndefine(input.id).catch((e: unknown) => {
      throw hostFailure(e);
    });
    ctx.database.transaction((tx) => {
      vmsRepo.delete(tx, input.id);
    });
    ctx.events.entity('vm', input.id, 'removed');
    return null;
  },
  subject: (input, vm) => ({ description: `VM ${vm?.name ?? input.id}`, vmId: input.id }),
});
