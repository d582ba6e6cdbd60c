// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetNetworkAttachmentById` query. */
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import type { Query } from '../command';
import { notFound } from '../validation';
import { toAttachment } from '../views';

export const GetNetworkAttachmentById: Query<'GetNetworkAttachmentById'> = (ctx, i) => {
  const a = networkAttachmentsRepo.findById(ctx.database.db, i.id);
  if (!a || a.hostId !== i.hostId) throw notFound('network_attachment', i.id);
  return toAttachment(a);
};
