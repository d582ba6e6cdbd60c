// SPDX-License-Identifier: Apache-2.0
/**
 * Image transfer queries. `GetImageTransferTicket` serves the data plane: it answers only for
 * a transfer in `transferring` (else ENTITY_NOT_FOUND: the data plane answers 403), and keeps
 * the bytes moved and the last activity in memory (activity.ts) instead of writing the
 * database on every request.
 */
import { imageTransfersRepo, toImageTransfer } from '../../../db/repos/image-transfers.repo';
import type { ImageTransfer } from '../../contract/image-transfers';
import type { Query } from '../command';
import { transferActivity } from '../commands/storage/transfer-activity';
import { notFound } from '../validation';
import { must } from './must';

function withActivity(database: object, t: ImageTransfer): ImageTransfer {
  const a = transferActivity(database).get(t.id);
  return a ? { ...t, transferred: Math.max(t.transferred, a.transferred) } : t;
}

export const GetAllImageTransfers: Query<'GetAllImageTransfers'> = (ctx) =>
  imageTransfersRepo
    .list(ctx.database.db)
    .map((r) => withActivity(ctx.database, toImageTransfer(r)));

export const GetImageTransferById: Query<'GetImageTransferById'> = (ctx, i) =>
  withActivity(
    ctx.database,
    toImageTransfer(
      must(imageTransfersRepo.findById(ctx.database.db, i.id), 'image_transfer', i.id),
    ),
  );

export const GetImageTransferTicket: Query<'GetImageTransferTicket'> = (ctx, i) => {
  const t = imageTransfersRepo.findByTicket(ctx.database.db, i.ticket);
  if (!t || t.phase !== 'transferring') throw notFound('image_transfer', i.ticket);
  const activity = transferActivity(ctx.database);
  const prev = activity.get(t.id);
  activity.set(t.id, {
    lastActivity: Date.now(),
    transferred: Math.max(prev?.transferred ?? 0, i.transferred ?? 0),
  });
  return {
    transferId: t.id,
    ticket: t.ticket,
    direction: t.direction,
    readOnly: t.direction === 'download',
    path: t.dataPath,
    size: t.dataSize,
    phase: t.phase,
    inactivityTimeout: t.inactivityTimeout,
  };
};
