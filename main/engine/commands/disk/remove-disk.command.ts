// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveDisk (`DELETE /disks/{id}`): not a template's disk, not while its VM is not down (a
 * disk attached to a running VM cannot be removed), not while locked or transferred. An
 * `illegal` disk can be removed (that is how a failed copy is cleaned up).
 */
import { diskAttachmentsRepo, type DiskRow, disksRepo } from '../../../../db/repos/disks.repo';
import { imageTransfersRepo } from '../../../../db/repos/image-transfers.repo';
import { templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { diskLock, removeDisks } from '../storage/disk-ops';
import { isoUsers } from '../vm/cdrom-common';

export const RemoveDiskCommand = defineCommand<'RemoveDisk', DiskRow>({
  action: 'remove',
  type: 'Disk',
  auditCode: 'USER_REMOVE_DISK',
  locks: (ctx, input) => {
    const vmId = diskAttachmentsRepo.find(ctx.database.db, input.id)?.vmId;
    return [diskLock(input.id), ...(vmId ? [lockKey.vm(vmId)] : [])];
  },
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const d = disksRepo.findRow(c, input.id);
    if (!d) throw notFound('disk', input.id);
    const att = diskAttachmentsRepo.find(c, d.id);
    const vm = att?.vmId ? vmsRepo.findById(c, att.vmId) : null;
    const template = att?.templateId ? templatesRepo.findById(c, att.templateId) : null;
    const f = firstFailure(
      () =>
        failWith('ACTION_TYPE_FAILED_DISK_BELONGS_TO_TEMPLATE', {
          diskAlias: d.alias,
          templateName: template?.name ?? '',
        }).when(template !== null),
      () =>
        failWith('ACTION_TYPE_FAILED_DISK_IS_BEING_TRANSFERRED', { diskAlias: d.alias }).when(
          imageTransfersRepo.openForDisk(c, d.id) !== null,
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_DISKS_LOCKED', { diskAliases: d.alias }).when(
          d.status === 'locked',
        ),
      // Issue 16: an ISO in a VM's CD-ROM (configured, or in a running VM) stays.
      () => {
        const users = d.contentType === 'iso' ? isoUsers(c, d.id) : [];
        return failWith('ACTION_TYPE_FAILED_ISO_DISK_IN_USE', {
          diskAlias: d.alias,
          vmNames: users.join(', '),
        }).when(users.length > 0);
      },
      () =>
        vm === null
          ? null
          : failWith(
              vm.status === 'image_locked'
                ? 'ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED'
                : 'ACTION_TYPE_FAILED_VM_IS_NOT_DOWN',
              { vmName: vm.name },
            ).when(vm.status !== 'down'),
    );
    return f ? invalid(f) : valid(d);
  },
  execute: async (ctx, _input, d) => {
    await removeDisks(ctx, 'RemoveDisk', 'disk-remove', [d.id]);
    return null;
  },
  subject: (input, d) => ({ description: `Disk ${d?.alias ?? input.id}` }),
});
