// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetNetworkAttachmentsByHostId` query. */
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import type { Query } from '../command';
import { toAttachment } from '../views';
import { must } from './must';

export const GetNetworkAttachmentsByHostId: Query<'GetNetworkAttachmentsByHostId'> = (ctx, i) => {
  must(hostsRepo.findById(ctx.database.db, i.hostId), 'host', i.hostId);
  return networkAttachmentsRepo
    .listByHost(ctx.database.db, i.hostId)
    .filter((a) => i.nicId === undefined || a.hostNicId === i.nicId)
    .map(toAttachment);
};
