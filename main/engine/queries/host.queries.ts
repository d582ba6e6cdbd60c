// SPDX-License-Identifier: Apache-2.0
/** Queries over hosts, NICs, labels, attachments and their statistics. */
import { hostLabelsRepo, hostNicsRepo, hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networksRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { toAttachment } from '../commands/host/setup-networks';
import { hostFailure } from '../host-networks';
import { nicStatistics } from '../statistics';
import { notFound } from '../validation';

const must = <T>(v: T | null, entity: string, id: string): T => {
  if (v === null) throw notFound(entity, id);
  return v;
};

export const GetAllHosts: Query<'GetAllHosts'> = (ctx) => hostsRepo.list(ctx.database.db);
export const GetHostById: Query<'GetHostById'> = (ctx, i) =>
  must(hostsRepo.findById(ctx.database.db, i.id), 'host', i.id);
export const GetHostNicsByHostId: Query<'GetHostNicsByHostId'> = (ctx, i) => {
  must(hostsRepo.findById(ctx.database.db, i.hostId), 'host', i.hostId);
  return hostNicsRepo.listByHost(ctx.database.db, i.hostId);
};
export const GetHostNicById: Query<'GetHostNicById'> = (ctx, i) =>
  must(hostNicsRepo.findById(ctx.database.db, i.hostId, i.nicId), 'host_nic', i.nicId);
export const GetHostNetworkLabels: Query<'GetHostNetworkLabels'> = (ctx, i) => {
  must(hostsRepo.findById(ctx.database.db, i.hostId), 'host', i.hostId);
  return hostLabelsRepo.listByHost(ctx.database.db, i.hostId);
};
export const GetNetworkAttachmentsByHostId: Query<'GetNetworkAttachmentsByHostId'> = (ctx, i) => {
  must(hostsRepo.findById(ctx.database.db, i.hostId), 'host', i.hostId);
  return networkAttachmentsRepo
    .listByHost(ctx.database.db, i.hostId)
    .filter((a) => i.nicId === undefined || a.hostNicId === i.nicId)
    .map(toAttachment);
};
export const GetNetworkAttachmentById: Query<'GetNetworkAttachmentById'> = (ctx, i) => {
  const a = networkAttachmentsRepo.findById(ctx.database.db, i.id);
  if (!a || a.hostId !== i.hostId) throw notFound('network_attachment', i.id);
  return toAttachment(a);
};

/** Seed "Isolated Networks": statistics of an attachment, read from its bridge. */
export const GetAttachmentStatistics: Query<'GetAttachmentStatistics'> = async (ctx, i) => {
  const a = networkAttachmentsRepo.findById(ctx.database.db, i.id);
  if (!a || a.hostId !== i.hostId) throw notFound('network_attachment', i.id);
  const network = must(networksRepo.findById(ctx.database.db, a.networkId), 'network', a.networkId);
  const counters = await ctx.host.deviceCounters(network.vdsmName).catch((e: unknown) => {
    throw hostFailure(e);
  });
  return nicStatistics(counters, ctx.rates.update(counters));
};

export const GetHostNicStatistics: Query<'GetHostNicStatistics'> = async (ctx, i) => {
  const nic = must(hostNicsRepo.findById(ctx.database.db, i.hostId, i.nicId), 'host_nic', i.nicId);
  const counters = await ctx.host.deviceCounters(nic.name).catch((e: unknown) => {
    throw hostFailure(e);
  });
  return nicStatistics(counters, ctx.rates.update(counters));
};
