// SPDX-License-Identifier: Apache-2.0
/**
 * FinalizeImageTransfer (`POST /imagetransfers/{id}/finalize`): `finalizing_success`, then in
 * the background — upload: `qemu-img check` of what was written (a corrupted or truncated
 * image is refused: `finished_failure`, disk `illegal`, no file left), copy it into a new
 * volume of the disk in the disk's format, swap volumes, disk `ok`, `finished_success`;
 * download: drop the staging copy, disk `ok`, `finished_success`.
 */
import { disksRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import {
  type ImageTransferRow,
  imageTransfersRepo,
} from '../../../../db/repos/image-transfers.repo';
import { intentsRepo } from '../../../../db/repos/intents.repo';
import type { ImageTransfer } from '../../../contract/image-transfers';
import { defineCommand } from '../../command';
import type { EngineContext } from '../../context';
import { failWith, invalid, notFound, valid } from '../../validation';
import { diskLock } from '../storage/disk-ops';
import { auditStorage, recordIntent, settleIntent } from '../storage/storage-intents';
import { startJob } from '../storage/storage-jobs';
import { volumeFormatOf } from '../storage/storage-paths';
import { transferActivity } from '../storage/transfer-activity';
import {
  endTransfer,
  setPhase,
  transferIntent,
  transferLock,
  transferView,
} from './transfer-common';

async function finishUpload(ctx: EngineContext, t: ImageTransferRow): Promise<void> {
  const c = ctx.database.db;
  const disk = disksRepo.findRow(c, t.diskId);
  const old = volumesRepo.active(c, t.diskId);
  const intent = transferIntent(ctx, t);
  const newId = intent?.payload.uploadVolumeId;
  if (!disk || !old || !intent || !newId) throw new Error('the upload target is gone');
  const newPath = intent.payload.created.find((p) => p !== t.dataPath) ?? '';
  const checked = await ctx.host.checkVolume(t.dataPath, volumeFormatOf(t.format), {
    allowBacking: false,
  });
  // Issue 16: an ISO disk holds an ISO 9660 image, nothing else (it goes into CD-ROMs).
  if (disk.contentType === 'iso' && ctx.host.isIsoImage && !(await ctx.host.isIsoImage(t.dataPath)))
    throw new Error('the image is not an ISO 9660 image, but the disk has content type iso');
  if (checked.virtualSize > disk.provisionedSize)
    throw new Error(
      `the image (${checked.virtualSize} bytes) is larger than the disk (${disk.provisionedSize} bytes)`,
    );
  await ctx.host.copyVolume({
    source: t.dataPath,
    target: newPath,
    format: volumeFormatOf(disk.format),
  });
  let info = await ctx.host.checkVolume(newPath, volumeFormatOf(disk.format));
  if (info.virtualSize < disk.provisionedSize)
    info = await ctx.host.resizeVolume(newPath, disk.provisionedSize);
  const cleanup = ctx.database.transaction((tx) => {
    volumesRepo.delete(tx, old.id);
    volumesRepo.insert(tx, {
      id: newId,
      diskId: disk.id,
      parentId: null,
      path: newPath,
      format: disk.format,
      active: true,
      snapshotId: old.snapshotId,
      status: 'ok',
      virtualSize: info.virtualSize,
      actualSize: info.actualSize,
    });
    disksRepo.update(tx, disk.id, {
      status: 'ok',
      provisionedSize: info.virtualSize,
      actualSize: info.actualSize,
      statusDetail: null,
    });
    intentsRepo.delete(tx, intent.id);
    imageTransfersRepo.update(tx, t.id, { phase: 'finished_success' });
    return recordIntent(
      tx,
      'FinalizeImageTransfer',
      'image-transfer',
      {
        commit: { volumeExists: newId },
        created: [],
        obsolete: [old.path, t.dataPath],
        newDisks: [],
        lockedDisks: [],
        vms: [],
        templates: [],
      },
      ctx.localHostId,
    );
  });
  await settleIntent(ctx, cleanup, 'completed').catch(() => undefined);
}

export const FinalizeImageTransferCommand = defineCommand<
  'FinalizeImageTransfer',
  ImageTransferRow
>({
  action: 'finalize',
  type: 'Image transfer',
  auditCode: 'TRANSFER_IMAGE_FINALIZE',
  locks: (ctx, input) => {
    const t = imageTransfersRepo.findById(ctx.database.db, input.id);
    return [transferLock(input.id), ...(t ? [diskLock(t.diskId)] : [])];
  },
  validate: (ctx, input) => {
    const t = imageTransfersRepo.findById(ctx.database.db, input.id);
    if (!t) throw notFound('image_transfer', input.id);
    const f = failWith('ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE_ILLEGAL', { phase: t.phase }).when(
      !['transferring', 'paused_user', 'paused_system'].includes(t.phase),
    );
    return f ? invalid(f) : valid(t);
  },
  execute: (ctx, _input, t): Promise<ImageTransfer> => {
    setPhase(ctx, t.id, 'finalizing_success');
    startJob(ctx.database, async () => {
      try {
        if (t.direction === 'upload') await finishUpload(ctx, t);
        else await endTransfer(ctx, t, 'finished_success', 'download finished');
        transferActivity(ctx.database).delete(t.id);
        ctx.events.entity('image_transfer', t.id, 'updated');
        ctx.events.entity('disk', t.diskId, 'updated');
        auditStorage(
          ctx,
          'TRANSFER_IMAGE_SUCCEEDED',
          'normal',
          `Image ${t.direction} of disk ${t.diskId} succeeded.`,
        );
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        setPhase(ctx, t.id, 'finalizing_failure', why);
        const fresh = imageTransfersRepo.findById(ctx.database.db, t.id) ?? t;
        await endTransfer(ctx, fresh, 'finished_failure', `upload refused: ${why}`).catch(
          () => undefined,
        );
        auditStorage(
          ctx,
          'TRANSFER_IMAGE_FAILED',
          'error',
          `Image ${t.direction} of disk ${t.diskId} failed: ${why}`,
        );
      }
    });
    return Promise.resolve(transferView(ctx, t.id));
  },
  subject: (input) => ({ description: `Image transfer ${input.id}` }),
});
