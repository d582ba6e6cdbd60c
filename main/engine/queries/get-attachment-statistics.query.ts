// SPDX-License-Identifier: Apache-2.0
/** Seed "Isolated Networks": statistics of an attachment, read from its bridge (oVirt host-NIC statistic names, units and ids). */
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networksRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { hostFailure } from '../host-networks';
import { nicStatistics } from '../statistics';
import { notFound } from '../validation';
import { must } from './must';

export const GetAttachmentStatistics: Query<'GetAttachmentStatistics'> = async (ctx, i) => {
  const a = networkAttachmentsRepo.findById(ctx.database.db, i.id);
  if (!a || a.hostId !== i.hostId) throw notFound('network_attachment', i.id);
  const network = must(networksRepo.findById(ctx.database.db, a.networkId), 'network', a.networkId);
  const counters = await ctx.host.deviceCounters(network.vdsmName).catch((e: unknown) => {
    throw hostFailure(e);
  });
  return nicStatistics(counters, ctx.rates.update(counters));
};
