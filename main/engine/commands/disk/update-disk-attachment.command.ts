// SPDX-License-Identifier: Apache-2.0
/**
 * UpdateDiskAttachment (`PUT /vms/{v}/diskattachments/{id}`): interface, bootable, read-only,
 * plugged (VM down), and the disk's name/description/size as UpdateDisk.
 */
import { diskAttachmentsRepo, type DiskRow, disksRepo } from '../../../../db/repos/disks.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { DiskAttachment } from '../../../contract/disks';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import {
  validateDiskName,
  validateDiskSize,
  validateVmNotImageLocked,
} from '../../validators/storage.validator';
import { attachmentView, diskLock, extendDisk, validateExtend } from '../storage/disk-ops';

export const UpdateDiskAttachmentCommand = defineCommand<'UpdateDiskAttachment', DiskRow>({
  action: 'update',
  type: 'Disk attachment',
  auditCode: 'USER_UPDATE_DISK_ATTACHMENT',
  locks: (_ctx, input) => [lockKey.vm(input.vmId), diskLock(input.id)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const att = diskAttachmentsRepo.find(c, input.id);
    const d = disksRepo.findRow(c, input.id);
    if (!att || att.vmId !== vm.id || !d)
      return invalid(failWith('ACTION_TYPE_FAILED_DISK_NOT_ATTACHED_TO_VM').failure);
    const changesDevice =
      (input.interface !== undefined && input.interface !== att.interface) ||
      (input.bootable !== undefined && input.bootable !== att.bootable) ||
      (input.readOnly !== undefined && input.readOnly !== att.readOnly) ||
      (input.active !== undefined && input.active !== att.active);
    const otherBoot = input.bootable
      ? diskAttachmentsRepo.listRowsByVm(c, vm.id).find((a) => a.bootable && a.diskId !== d.id)
      : undefined;
    const size = input.disk?.provisionedSize;
    const f = firstFailure(
      () => validateVmNotImageLocked(vm),
      () =>
        failWith('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', { vmName: vm.name }).when(
          changesDevice && vm.status !== 'down',
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_DISK_BOOT_IN_USE', {
          diskAlias: otherBoot ? (disksRepo.findRow(c, otherBoot.diskId)?.alias ?? '') : '',
        }).when(otherBoot !== undefined),
      () => (input.disk?.name === undefined ? null : validateDiskName(input.disk.name)),
      () => (size === undefined ? null : validateDiskSize(size)),
      () =>
        size === undefined || size === d.provisionedSize ? null : validateExtend(ctx, d, size),
    );
    return f ? invalid(f) : valid(d);
  },
  execute: async (ctx, input, d): Promise<DiskAttachment> => {
    ctx.database.transaction((tx) => {
      diskAttachmentsRepo.update(tx, d.id, {
        interface: input.interface,
        bootable: input.bootable,
        active: input.active,
        readOnly: input.readOnly,
        passDiscard: input.passDiscard,
      });
      if (input.disk)
        disksRepo.update(tx, d.id, { alias: input.disk.name, description: input.disk.description });
    });
    ctx.events.entity('disk_attachment', d.id, 'updated');
    if (input.disk?.provisionedSize !== undefined)
      await extendDisk(ctx, d, input.disk.provisionedSize);
    return attachmentView(ctx, d.id);
  },
  subject: (input) => ({ description: `Disk attachment ${input.id}`, vmId: input.vmId }),
});
