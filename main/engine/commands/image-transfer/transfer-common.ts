// SPDX-License-Identifier: Apache-2.0
/** Image transfer helpers: the intent each transfer holds, and ending a transfer. */
import {
  type ImageTransferRow,
  imageTransfersRepo,
  toImageTransfer,
} from '../../../../db/repos/image-transfers.repo';
import { intentsRepo } from '../../../../db/repos/intents.repo';
import type { ImageTransfer, ImageTransferPhase } from '../../../contract/image-transfers';
import type { EngineContext, EngineServices } from '../../context';
import { notFound } from '../../validation';
import {
  settleIntent,
  type StorageIntent,
  type StorageIntentPayload,
} from '../storage/storage-intents';
import { transferActivity } from '../storage/transfer-activity';

export const transferLock = (id: string): string => `image-transfer:${id}`;

/** The intent of an open transfer (recorded at AddImageTransfer, settled when it ends). */
export function transferIntent(ctx: EngineServices, t: ImageTransferRow): StorageIntent | null {
  const r = intentsRepo
    .list(ctx.database.db)
    .find(
      (i) =>
        i.kind === 'image-transfer' && (i.payload as { transferId?: string }).transferId === t.id,
    );
  return r
    ? { id: r.id, kind: 'image-transfer', payload: r.payload as unknown as StorageIntentPayload }
    : null;
}

export function transferView(ctx: EngineContext, id: string): ImageTransfer {
  const t = imageTransfersRepo.findById(ctx.database.db, id);
  if (!t) throw notFound('image_transfer', id);
  const a = transferActivity(ctx.database).get(t.id);
  const v = toImageTransfer(t);
  return a ? { ...v, transferred: Math.max(v.transferred, a.transferred) } : v;
}

export function setPhase(
  ctx: EngineServices,
  id: string,
  phase: ImageTransferPhase,
  message?: string,
): void {
  const a = transferActivity(ctx.database).get(id);
  ctx.database.transaction((tx) => {
    imageTransfersRepo.update(tx, id, {
      phase,
      ...(message === undefined ? {} : { message }),
      ...(a ? { transferred: a.transferred } : {}),
    });
  });
  ctx.events.entity('image_transfer', id, 'updated');
}

/** End a transfer without keeping its data: delete staging files, unlock or mark the disk. */
export async function endTransfer(
  ctx: EngineServices,
  t: ImageTransferRow,
  phase: ImageTransferPhase,
  reason: string,
): Promise<void> {
  const intent = transferIntent(ctx, t);
  if (intent) await settleIntent(ctx, intent, reason);
  setPhase(ctx, t.id, phase, reason);
  transferActivity(ctx.database).delete(t.id);
  ctx.events.entity('disk', t.diskId, 'updated');
}
