// SPDX-License-Identifier: Apache-2.0
/** UpdateDisk (`PUT /disks/{id}`): rename, describe, extend (never shrink). */
import { type DiskRow, disksRepo } from '../../../../db/repos/disks.repo';
import type { Disk } from '../../../contract/disks';
import { defineCommand } from '../../command';
import { firstFailure, invalid, notFound, valid } from '../../validation';
import { validateDiskName, validateDiskSize } from '../../validators/storage.validator';
import { diskLock, diskView, extendDisk, validateExtend } from '../storage/disk-ops';

export const UpdateDiskCommand = defineCommand<'UpdateDisk', DiskRow>({
  action: 'edit',
  type: 'Disk',
  auditCode: 'USER_UPDATE_DISK',
  locks: (_ctx, input) => [diskLock(input.id)],
  validate: (ctx, input) => {
    const d = disksRepo.findRow(ctx.database.db, input.id);
    if (!d) throw notFound('disk', input.id);
    const size = input.provisionedSize;
    const f = firstFailure(
      () => (input.name === undefined ? null : validateDiskName(input.name)),
      () => (size === undefined ? null : validateDiskSize(size)),
      () =>
        size === undefined || size === d.provisionedSize ? null : validateExtend(ctx, d, size),
    );
    return f ? invalid(f) : valid(d);
  },
  execute: async (ctx, input, d): Promise<Disk> => {
    if (
      input.name !== undefined ||
      input.description !== undefined ||
      input.wipeAfterDelete !== undefined
    ) {
      ctx.database.transaction((tx) => {
        disksRepo.update(tx, d.id, {
          alias: input.name,
          description: input.description,
          wipeAfterDelete: input.wipeAfterDelete,
        });
      });
      ctx.events.entity('disk', d.id, 'updated');
    }
    if (input.provisionedSize !== undefined) await extendDisk(ctx, d, input.provisionedSize);
    return diskView(ctx, d.id);
  },
  subject: (input, d) => ({ description: `Disk ${d?.alias ?? input.id}` }),
});
