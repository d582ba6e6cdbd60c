// SPDX-License-Identifier: Apache-2.0
/** ExtendImageTransfer (`POST /imagetransfers/{id}/extend`): keeps the transfer alive. */
import {
  type ImageTransferRow,
  imageTransfersRepo,
} from '../../../../db/repos/image-transfers.repo';
import { defineCommand } from '../../command';
import { failWith, invalid, notFound, valid } from '../../validation';
import { transferActivity } from '../storage/transfer-activity';
import { transferLock, transferView } from './transfer-common';

export const ExtendImageTransferCommand = defineCommand<'ExtendImageTransfer', ImageTransferRow>({
  action: 'extend',
  type: 'Image transfer',
  auditCode: 'TRANSFER_IMAGE_EXTENDED',
  locks: (_ctx, input) => [transferLock(input.id)],
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
  execute: (ctx, _input, t) => {
    const a = transferActivity(ctx.database);
    a.set(t.id, { lastActivity: Date.now(), transferred: a.get(t.id)?.transferred ?? 0 });
    return Promise.resolve(transferView(ctx, t.id));
  },
  subject: (input) => ({ description: `Image transfer ${input.id}` }),
});
