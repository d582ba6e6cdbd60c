// SPDX-License-Identifier: Apache-2.0
/**
 * AddDisk (`POST /disks`): a floating disk. Returns it `locked`; a background job creates
 * the volume (qemu-img) and makes it `ok`, as oVirt's AddDiskCommand with its async task.
 */
import { disksRepo } from '../../../../db/repos/disks.repo';
import type { StorageDomainRow } from '../../../../db/repos/storage-domains.repo';
import type { Disk } from '../../../contract/disks';
import type { OpParsedInput } from '../../../contract/operations';
import { defineCommand } from '../../command';
import type { EngineContext } from '../../context';
import { failWith, firstFailure, invalid, valid, type Validated } from '../../validation';
import {
  resolveStorageDomain,
  validateDiskName,
  validateDiskSize,
} from '../../validators/storage.validator';
import { createDisks } from '../storage/create-disks';
import { diskLock, diskView } from '../storage/disk-ops';
import { type NewDisk, planNewDisk } from '../storage/new-disk';

export type DiskSpecInput = OpParsedInput<'AddDisk'>;

/** Validate a DiskSpec (AddDisk, and a new disk of AddDiskAttachment). */
export function validateDiskSpec(
  ctx: EngineContext,
  spec: DiskSpecInput,
): Validated<StorageDomainRow> {
  const c = ctx.database.db;
  const domain = resolveStorageDomain(c, spec.storageDomain);
  if (!domain.ok) return invalid(domain.failure);
  const f = firstFailure(
    () => validateDiskName(spec.name),
    () => validateDiskSize(spec.provisionedSize),
    () => failWith('ACTION_TYPE_FAILED_SHAREABLE_DISK_NOT_SUPPORTED').when(spec.shareable === true),
    // Issue 16: an ISO disk is the image itself (QEMU reads it as a raw CD), as in oVirt.
    () =>
      failWith('INVALID_INPUT', {
        detail: 'a disk with content type iso must have format raw',
      }).when(spec.contentType === 'iso' && spec.format !== 'raw'),
    () =>
      failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(
        spec.id !== undefined && disksRepo.findRow(c, spec.id) !== null,
      ),
  );
  return f ? invalid(f) : valid(domain.value);
}

/** The NewDisk of a DiskSpec (empty volume). */
export function newDiskOf(
  spec: DiskSpecInput,
  domain: StorageDomainRow,
  attach: NewDisk['attach'],
  snapshotId: string | null,
): NewDisk {
  return planNewDisk({
    diskId: spec.id,
    alias: spec.name,
    description: spec.description ?? '',
    format: spec.format,
    sparse: spec.sparse ?? spec.format === 'cow',
    provisionedSize: spec.provisionedSize,
    contentType: spec.contentType ?? 'data',
    wipeAfterDelete: spec.wipeAfterDelete ?? false,
    domain,
    source: { kind: 'empty' },
    snapshotId,
    attach,
  });
}

export const AddDiskCommand = defineCommand<'AddDisk', NewDisk>({
  action: 'add',
  type: 'Disk',
  auditCode: 'USER_ADD_DISK',
  locks: (_ctx, input) => (input.id ? [diskLock(input.id)] : []),
  validate: (ctx, input) => {
    const v = validateDiskSpec(ctx, input);
    return v.ok ? valid(newDiskOf(input, v.plan, null, null)) : v;
  },
  execute: async (ctx, _input, plan): Promise<Disk> => {
    await createDisks(ctx, {
      command: 'AddDisk',
      kind: 'disk-create',
      disks: [plan],
      description: `Creating disk ${plan.alias}`,
      auditCode: 'USER_ADD_DISK_FINISHED',
    });
    return diskView(ctx, plan.diskId);
  },
  subject: (input, plan) => ({
    description: `Disk ${input.name}${plan ? ` (${plan.diskId})` : ''}`,
  }),
});
