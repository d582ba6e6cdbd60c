// SPDX-License-Identifier: Apache-2.0
/** Disk work shared by several commands: extend, remove (with compensation), views. */
import type { Tx } from '../../../../db/client';
import {
  diskAttachmentsRepo,
  type DiskRow,
  disksRepo,
  volumesRepo,
} from '../../../../db/repos/disks.repo';
import { storageDomainsRepo } from '../../../../db/repos/storage-domains.repo';
import { templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import type { Disk, DiskAttachment } from '../../../contract/disks';
import type { EngineContext } from '../../context';
import { hostFailure } from '../../host-networks';
import { failWith, firstFailure, notFound, type ValidationResult } from '../../validation';
import { validateDisksFree } from '../../validators/storage.validator';
import { recordIntent, type StorageIntentKind } from './storage-intents';
import { runInline } from './storage-job';
import { ensureSpace } from './storage-space';

export const diskLock = (id: string): string => `disk:${id}`;
export const templateLock = (id: string): string => `template:${id}`;

export function diskView(ctx: EngineContext, id: string): Disk {
  const d = disksRepo.findById(ctx.database.db, id);
  if (!d) throw notFound('disk', id);
  return d;
}

export function attachmentView(ctx: EngineContext, id: string): DiskAttachment {
  const a = diskAttachmentsRepo.findView(ctx.database.db, id);
  if (!a) throw notFound('disk_attachment', id);
  return a;
}

/**
 * Rules for changing a disk's size: bigger only, disk free, not a template's, its VM down
 * (a running guest's image cannot be resized by qemu-img; no live block resize here).
 */
export function validateExtend(ctx: EngineContext, d: DiskRow, size: number): ValidationResult {
  const c = ctx.database.db;
  const att = diskAttachmentsRepo.find(c, d.id);
  const vm = att?.vmId ? vmsRepo.findById(c, att.vmId) : null;
  const template = att?.templateId ? templatesRepo.findById(c, att.templateId) : null;
  return firstFailure(
    () =>
      failWith('ACTION_TYPE_FAILED_DISK_BELONGS_TO_TEMPLATE', {
        diskAlias: d.alias,
        templateName: template?.name ?? '',
      }).when(template !== null),
    () =>
      failWith('ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL').when(
        size < d.provisionedSize,
      ),
    () => validateDisksFree(c, [d]),
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
}

/** Grow the disk's active volume (qemu-img resize), with intent and space check. */
export async function extendDisk(ctx: EngineContext, d: DiskRow, size: number): Promise<void> {
  if (size === d.provisionedSize) return;
  const c = ctx.database.db;
  const active = volumesRepo.active(c, d.id);
  const domain = storageDomainsRepo.findById(c, d.storageDomainId);
  if (!active || !domain) throw notFound('disk', d.id);
  await ensureSpace(ctx, domain, d.format === 'raw' && !d.sparse ? size - d.provisionedSize : 0);
  const intent = ctx.database.transaction((tx) => {
    disksRepo.update(tx, d.id, { status: 'locked' });
    return recordIntent(
      tx,
      'UpdateDisk',
      'disk-extend',
      {
        commit: { never: true },
        created: [],
        obsolete: [],
        newDisks: [],
        lockedDisks: [d.id],
        refresh: [d.id],
        vms: [],
        templates: [],
      },
      ctx.localHostId,
    );
  });
  ctx.events.entity('disk', d.id, 'updated');
  await runInline(ctx, intent, {
    description: `Extending disk ${d.alias}`,
    auditCode: 'USER_EXTEND_DISK_SIZE',
    work: async () => {
      await ctx.host.resizeVolume(active.path, size);
    },
    commit: () => undefined,
  });
}

/**
 * Remove disks (rows first, then files: roll forward on a crash). `also` runs in the same
 * transaction (the VM or template row going with them).
 */
export async function removeDisks(
  ctx: EngineContext,
  command: string,
  kind: StorageIntentKind,
  diskIds: readonly string[],
  also?: (tx: Tx) => void,
): Promise<void> {
  const c = ctx.database.db;
  const paths = diskIds.flatMap((id) => volumesRepo.listByDisk(c, id).map((v) => v.path));
  const marker = diskIds[0];
  const intent = ctx.database.transaction((tx) => {
    for (const id of diskIds) disksRepo.update(tx, id, { status: 'locked' });
    return recordIntent(
      tx,
      command,
      kind,
      {
        commit: marker === undefined ? { never: true } : { diskGone: marker },
        created: [],
        obsolete: paths,
        newDisks: [],
        lockedDisks: [...diskIds],
        vms: [],
        templates: [],
      },
      ctx.localHostId,
    );
  });
  try {
    ctx.database.transaction((tx) => {
      for (const id of diskIds) disksRepo.delete(tx, id);
      also?.(tx);
    });
  } catch (e) {
    ctx.database.transaction((tx) => {
      for (const id of diskIds) disksRepo.update(tx, id, { status: 'ok' });
    });
    throw e;
  }
  for (const id of diskIds) ctx.events.entity('disk', id, 'removed');
  await runInline(ctx, intent, {
    description: `Removing ${diskIds.length} disk(s)`,
    auditCode: 'USER_REMOVE_DISK',
    work: () => Promise.resolve(),
    commit: () => undefined,
  }).catch((e: unknown) => {
    throw hostFailure(e);
  });
}
