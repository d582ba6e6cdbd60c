// SPDX-License-Identifier: Apache-2.0
/**
 * Contract shapes built from stored rows, shared by the commands that return them and the
 * queries that read them (so queries do not import command files).
 */
import type { AttachmentRecord } from '../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../db/repos/networks.repo';
import type { ClusterNetwork } from '../contract/clusters';
import type { NetworkAttachment } from '../contract/network-attachments';
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
