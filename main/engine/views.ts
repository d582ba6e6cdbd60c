// SPDX-License-Identifier: Apache-2.0
/**
 * Contract shapes built from stored rows, shared by the commands that return them and the
 * queries that read them (so queries do not import command files).
 */
import type { AttachmentRecord } from '../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../db/repos/networks.repo';
import { type StorageDomainRow, storageDomainsRepo } from '../../db/repos/storage-domains.repo';
import type { ClusterNetwork } from '../contract/clusters';
import type { NetworkAttachment } from '../contract/network-attachments';
import type { StorageDomain } from '../contract/storage-domains';
import type { EngineServices } from './context';
import { notFound } from './validation';

/** A network attachment as the contract shows it (without the engine's row status). */
export function toAttachment(a: AttachmentRecord): NetworkAttachment {
  return {
    id: a.id,
    hostId: a.hostId,
    networkId: a.networkId,
    networkName: a.networkName,
    hostNicId: a.hostNicId,
    hostNicName: a.hostNicName,
    inSync: a.inSync,
    reportedConfigurations: a.reportedConfigurations,
    reportedAt: a.reportedAt,
  };
}

/**
 * The network in cluster context, as the queries return it.
 * @throws CommandFailure ENTITY_NOT_FOUND when the network is not in the cluster
 */
export function clusterNetwork(
  ctx: EngineServices,
  clusterId: string,
  networkId: string,
): ClusterNetwork {
  const c = ctx.database.db;
  const n = networksRepo.findById(c, networkId);
  const nc = networkClustersRepo.find(c, clusterId, networkId);
  if (!n || !nc) throw notFound('network', networkId);
  return { ...n, cluster: nc };
}

/**
 * A storage domain as the contract shows it: `available`/`used` read from the file system
 * (null when the host cannot say), `committed` from the database.
 */
export async function storageDomainView(
  ctx: EngineServices,
  r: StorageDomainRow,
): Promise<StorageDomain> {
  const space = await ctx.host.storageSpace(r.path).catch(() => null);
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    comment: r.comment,
    type: r.type,
    storageType: r.storageType,
    path: r.path,
    dataCenterId: r.dataCenterId,
    status: r.status,
    master: r.master,
    storageFormat: 'v5',
    availableBytes: space?.availableBytes ?? null,
    usedBytes: space?.usedBytes ?? null,
    committedBytes: storageDomainsRepo.committedBytes(ctx.database.db, r.id),
    warningLowSpaceIndicator: r.warningLowSpaceIndicator,
    criticalSpaceActionBlocker: r.criticalSpaceActionBlocker,
    creationTime: r.createdAt,
  };
}
