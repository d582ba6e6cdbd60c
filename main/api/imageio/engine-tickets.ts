// SPDX-License-Identifier: Apache-2.0
/**
 * `ImageTickets` over the engine's contract: every data-plane request asks
 * `GetImageTransferTicket`, which also records the bytes moved and restarts the transfer's
 * inactivity timer. The ticket UUID is the only credential, as in oVirt, so the data plane
 * calls the engine as an internal principal rather than as a logged-in user.
 */
import type { Principal } from '../../contract';
import type { Engine } from '../../engine/dispatch';
import type { ImageTickets, TicketInfo } from './tickets';

const IMAGEIO_PRINCIPAL: Principal = {
  userId: 'imageio',
  userName: 'imageio@internal',
  admin: true,
};

/** Tickets served only while the transfer moves bytes. */
const SERVING = new Set(['transferring', 'resuming']);

export function engineImageTickets(engine: Pick<Engine, 'invoke'>): ImageTickets {
  return {
    lookup: async (ticket): Promise<TicketInfo | null> => {
      const env = await engine.invoke(IMAGEIO_PRINCIPAL, 'GetImageTransferTicket', { ticket });
      if (!env.ok || !SERVING.has(env.result.phase)) return null;
      const t = env.result;
      return { path: t.path, direction: t.direction, size: t.size, writable: !t.readOnly };
    },
    progress: async (ticket, transferred): Promise<void> => {
      // A ticket that ended meanwhile answers not-found: nothing left to report to.
      await engine.invoke(IMAGEIO_PRINCIPAL, 'GetImageTransferTicket', { ticket, transferred });
    },
  };
}
