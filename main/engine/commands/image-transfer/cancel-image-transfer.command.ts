// SPDX-License-Identifier: Apache-2.0
/**
 * CancelImageTransfer (`POST /imagetransfers/{id}/cancel`): `cancelled_user` →
 * `finalizing_cleanup` → `finished_cleanup`. As in oVirt, an upload's disk is deleted; a
 * download only drops its staging copy and unlocks the disk.
 */
import { diskAttachmentsRepo } from '../../../../db/repos/disks.repo';
import {
  type ImageTransferRow,
  imageTransfersRepo,
} from '../../../../db/repos/image-transfers.repo';
import type { ImageTransfer } from '../../../contract/image-transfers';
import { defineCommand } from '../../command';
import { failWith, invalid, notFound, valid } from '../../validation';
import { diskLock, removeDisks } from '../storage/disk-ops';
import { auditStorage } from '../storage/storage-intents';
import { startJob } from '../storage/storage-jobs';
import { endTransfer, setPhase, transferLock, transferView } from './transfer-common';

export const CancelImageTransferCommand = defineCommand<'CancelImageTransfer', ImageTransferRow>({
  action: 'cancel',
  type: 'Image transfer',
  auditCode: 'TRANSFER_IMAGE_CANCELLED',
  locks: (ctx, input) => {
    const t = imageTransfersRepo.findById(ctx.database.db, input.id);
    return [transferLock(input.id), ...(t ? [diskLock(t.diskId)] : [])];
  },
  validate: (ctx, input) => {
    const t = imageTransfersRepo.findById(ctx.database.db, input.id);
    if (!t) throw notFound('image_transfer', input.id);
    const f = failWith('ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE_ILLEGAL', { phase: t.phase }).when(
      !['initializing', 'transferring', 'resuming', 'paused_user', 'paused_system'].includes(
        t.phase,
      ),
    );
    return f ? invalid(f) : valid(t);
  },
  execute: (ctx, _input, t): Promise<ImageTransfer> => {
    setPhase(ctx, t.id, 'cancelled_user');
    startJob(ctx.database, async () => {
      try {
        setPhase(ctx, t.id, 'finalizing_cleanup');
        await endTransfer(ctx, t, 'finished_cleanup', 'cancelled by the user');
        const att = diskAttachmentsRepo.find(ctx.database.db, t.diskId);
        if (t.direction === 'upload' && !att?.templateId)
          await removeDisks(ctx, 'CancelImageTransfer', 'disk-remove', [t.diskId], (tx) => {
            diskAttachmentsRepo.delete(tx, t.diskId);
          });
      } catch (e) {
        auditStorage(
          ctx,
          'TRANSFER_IMAGE_CANCEL_FAILED',
          'error',
          `Cancelling transfer ${t.id} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    });
    return Promise.resolve(transferView(ctx, t.id));
  },
  subject: (input) => ({ description: `Image transfer ${input.id}` }),
});
