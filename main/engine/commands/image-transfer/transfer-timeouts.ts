// SPDX-License-Identifier: Apache-2.0
/**
 * Inactivity timeouts of image transfers (oVirt `inactivity_timeout`, `timeout_policy`): a
 * transfer whose data plane has been idle longer than its timeout is paused (`paused_system`,
 * uploads under `legacy`/`pause`) or ended (`cancel`, and downloads under `legacy`): the disk
 * is unlocked, an upload's disk becomes `illegal`.
 */
import { imageTransfersRepo } from '../../../../db/repos/image-transfers.repo';
import type { EngineServices } from '../../context';
import { auditStorage } from '../storage/storage-intents';
import { transferActivity } from '../storage/transfer-activity';
import { endTransfer, setPhase } from './transfer-common';

const timers = new WeakMap<object, NodeJS.Timeout>();

export async function sweepTransfers(ctx: EngineServices, now = Date.now()): Promise<void> {
  for (const t of imageTransfersRepo.listOpen(ctx.database.db)) {
    if (t.phase !== 'transferring') continue;
    const last = Math.max(
      transferActivity(ctx.database).get(t.id)?.lastActivity ?? 0,
      Date.parse(t.lastUpdated),
    );
    if (now - last < t.inactivityTimeout * 1000) continue;
    const pause = t.direction === 'upload' && t.timeoutPolicy !== 'cancel';
    if (pause) setPhase(ctx, t.id, 'paused_system', 'inactivity timeout');
    else {
      setPhase(ctx, t.id, 'cancelled_system', 'inactivity timeout');
      await endTransfer(ctx, t, 'finished_failure', 'inactivity timeout');
    }
    auditStorage(
      ctx,
      'TRANSFER_IMAGE_STOPPED_BY_SYSTEM',
      'warning',
      `Image transfer ${t.id} idle for ${t.inactivityTimeout} s: ${pause ? 'paused' : 'cancelled'}.`,
    );
  }
}

export function startTransferTimeouts(ctx: EngineServices, everyMs = 1000): void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sweepTransfers(ctx)
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  timers.set(ctx.database, timer);
}

export function stopTransferTimeouts(ctx: EngineServices): void {
  clearInterval(timers.get(ctx.database));
  timers.delete(ctx.database);
}
