// SPDX-License-Identifier: Apache-2.0
/** Image transfers (oVirt image_transfers). */
import { eq, inArray } from 'drizzle-orm';

import type { ImageTransfer, ImageTransferPhase } from '../../main/contract/image-transfers';
import type { Conn } from '../client';
import { imageTransfer } from '../schema';
import { defined, type Patch } from './rows';

export type ImageTransferRow = typeof imageTransfer.$inferSelect;

/** Phases in which a transfer still holds its disk. */
export const OPEN_TRANSFER_PHASES: readonly ImageTransferPhase[] = [
  'initializing',
  'transferring',
  'resuming',
  'paused_system',
  'paused_user',
  'cancelled',
  'cancelled_system',
  'cancelled_user',
  'finalizing_success',
  'finalizing_failure',
  'finalizing_cleanup',
];

export const toImageTransfer = (r: ImageTransferRow): ImageTransfer => ({
  id: r.id,
  diskId: r.diskId,
  imageId: r.imageId,
  direction: r.direction,
  phase: r.phase,
  ticket: r.ticket,
  format: r.format,
  transferred: r.transferred,
  active: r.phase === 'transferring',
  inactivityTimeout: r.inactivityTimeout,
  timeoutPolicy: r.timeoutPolicy,
  shallow: r.shallow,
  hostId: r.hostId,
  message: r.message,
  creationTime: r.createdAt,
  lastUpdated: r.lastUpdated,
});

export const imageTransfersRepo = {
  list: (c: Conn): ImageTransferRow[] => c.select().from(imageTransfer).all(),
  findById: (c: Conn, id: string): ImageTransferRow | null =>
    c.select().from(imageTransfer).where(eq(imageTransfer.id, id)).get() ?? null,
  findByTicket: (c: Conn, ticket: string): ImageTransferRow | null =>
    c.select().from(imageTransfer).where(eq(imageTransfer.ticket, ticket)).get() ?? null,
  listOpen: (c: Conn): ImageTransferRow[] =>
    c
      .select()
      .from(imageTransfer)
      .where(inArray(imageTransfer.phase, [...OPEN_TRANSFER_PHASES]))
      .all(),
  openForDisk: (c: Conn, diskId: string): ImageTransferRow | null =>
    c
      .select()
      .from(imageTransfer)
      .where(eq(imageTransfer.diskId, diskId))
      .all()
      .find((t) => OPEN_TRANSFER_PHASES.includes(t.phase)) ?? null,
  insert: (c: Conn, row: typeof imageTransfer.$inferInsert): void => {
    c.insert(imageTransfer).values(row).run();
  },
  update: (
    c: Conn,
    id: string,
    patch: Patch<Omit<typeof imageTransfer.$inferInsert, 'id'>>,
  ): void => {
    const set = defined({ ...patch, lastUpdated: patch.lastUpdated ?? new Date().toISOString() });
    c.update(imageTransfer).set(set).where(eq(imageTransfer.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(imageTransfer).where(eq(imageTransfer.id, id)).run();
  },
};
