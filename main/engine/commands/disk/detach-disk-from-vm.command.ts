// SPDX-License-Identifier: Apache-2.0
/**
 * DetachDiskFromVm (`DELETE /vms/{v}/diskattachments/{id}`): `detachOnly` (default) leaves a
 * floating disk; false removes it too. A plugged disk needs the VM down (no hot-unplug).
 */
import { diskAttachmentsRepo, type DiskRow, disksRepo } from '../../../../db/repos/disks.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateDisksFree, validateVmNotImageLocked } from '../../validators/storage.validator';
import { diskLock, removeDisks } from '../storage/disk-ops';

export const DetachDiskFromVmCommand = defineCommand<'DetachDiskFromVm', DiskRow>({
  action: 'detach',
  type: 'Disk',
  auditCode: 'USER_DETACH_DISK_FROM_VM',
  locks: (_ctx, input) => [lockKey.vm(input.vmId), diskLock(input.id)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const att = diskAttachmentsRepo.find(c, input.id);
    const d = disksRepo.findRow(c, input.id);
    if (!att || att.vmId !== vm.id || !d)
      return invalid(failWith('ACTION_TYPE_FAILED_DISK_NOT_ATTACHED_TO_VM').failure);
    const f = firstFailure(
      () => validateVmNotImageLocked(vm),
      () =>
        failWith('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', { vmName: vm.name }).when(
          (att.active || !input.detachOnly) && vm.status !== 'down',
        ),
      () =>
        input.detachOnly
          ? failWith('ACTION_TYPE_FAILED_DISKS_LOCKED', { diskAliases: d.alias }).when(
              d.status === 'locked',
            )
          : validateDisksFree(
              c,
              [d].filter((x) => x.status !== 'illegal'),
            ),
    );
    return f ? invalid(f) : valid(d);
  },
  execute: async (ctx, input, d) => {
    if (input.detachOnly) {
      ctx.database.transaction((tx) => {
        diskAttachmentsRepo.delete(tx, d.id);
      });
    } else {
      await removeDisks(ctx, 'DetachDiskFromVm', 'disk-remove', [d.id]);
    }
    ctx.events.entity('disk_attachment', d.id, 'removed');
    return null;
  },
  subject: (input, d) => ({ description: `Disk ${d?.alias ?? input.id}`, vmId: input.vmId }),
});
