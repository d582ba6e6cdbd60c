// SPDX-License-Identifier: Apache-2.0
/**
 * `/imagetransfers[/{id}]` with the actions `finalize`, `cancel`, `extend` (and `pause`/
 * `resume`, which this engine refuses with a fault: an idle transfer is cancelled or
 * finished by its timeout policy instead). No `search`, as in oVirt. The data plane these
 * transfers hand out is main/api/imageio, on this same server.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §3
 */
import type { IncomingMessage } from 'node:http';

import { ApiFault, faultDoc } from '../fault';
import { addImageTransferInput, imageTransferDoc } from '../mappers/image-transfer.mapper';
import {
  collection,
  created,
  type Handler,
  ok,
  param,
  type Reply,
  type RestContext,
} from '../rest';
import type { Router } from '../router';

/** The engine's origin as this client reached it (the transfer URL must work for it). */
function originOf(req: IncomingMessage): string {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const host =
    req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`;
  return `${scheme}://${host}`;
}

/** Registers image transfer routes. */
export function registerImageTransferRoutes(router: Router<Handler>): void {
  const transferAction =
    (op: 'FinalizeImageTransfer' | 'CancelImageTransfer' | 'ExtendImageTransfer') =>
    async (ctx: RestContext): Promise<Reply> => {
      await ctx.input('action');
      await ctx.call('GetImageTransferById', { id: param(ctx, 'id') });
      return ctx.action(op, { id: param(ctx, 'id') });
    };
  const unsupported =
    (verb: string) =>
    async (ctx: RestContext): Promise<Reply> => {
      await ctx.input('action');
      await ctx.call('GetImageTransferById', { id: param(ctx, 'id') });
      throw new ApiFault(409, {
        root: 'action',
        body: {
          fault: faultDoc(
            'Operation Failed',
            `[Cannot ${verb} image transfer. Pausing and resuming transfers is not supported by this engine; the transfer keeps its phase.]`,
          ).body,
          status: 'failed',
        },
      });
    };

  router
    .add('GET', '/imagetransfers', async (ctx) => {
      const origin = originOf(ctx.req);
      const list = await ctx.call('GetAllImageTransfers', {});
      return collection(
        'image_transfers',
        'image_transfer',
        list.map((t) => imageTransferDoc(ctx.base, origin, t)),
      );
    })
    .add('POST', '/imagetransfers', async (ctx) => {
      const input = addImageTransferInput(await ctx.input('image_transfer'));
      const transfer = await ctx.call('AddImageTransfer', input);
      return created('image_transfer', imageTransferDoc(ctx.base, originOf(ctx.req), transfer));
    })
    .add('GET', '/imagetransfers/:id', async (ctx) => {
      const transfer = await ctx.call('GetImageTransferById', { id: param(ctx, 'id') });
      return ok('image_transfer', imageTransferDoc(ctx.base, originOf(ctx.req), transfer));
    })
    .add('POST', '/imagetransfers/:id/finalize', transferAction('FinalizeImageTransfer'))
    .add('POST', '/imagetransfers/:id/cancel', transferAction('CancelImageTransfer'))
    .add('POST', '/imagetransfers/:id/extend', transferAction('ExtendImageTransfer'))
    .add('POST', '/imagetransfers/:id/pause', unsupported('pause'))
    .add('POST', '/imagetransfers/:id/resume', unsupported('resume'));
}
