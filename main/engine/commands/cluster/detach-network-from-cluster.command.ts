// SPDX-License-Identifier: Apache-2.0
/**
 * DetachNetworkFromCluster: removes the network from every host of the cluster, refused
 * while VMs of the cluster have vNICs on it (409).
 */
import { clustersRepo } from '../../../../db/repos/data-centers.repo';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../../../db/repos/networks.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { applySharedToHosts, REACHABLE } from '../../host-networks';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';

export const DetachNetworkFromClusterCommand = defineCommand<'DetachNetworkFromCluster', Network>({
  action: 'detach',
  type: 'Network',
  auditCode: 'NETWORK_DETACH_NETWORK_TO_CLUSTER',
  locks: (ctx, input) => [
    lockKey.network(input.networkId),
    lockKey.cluster(input.clusterId),
    ...hostsRepo.list(ctx.database.db).map((h) => lockKey.hostNetworks(h.id)),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    if (!clustersRepo.findById(c, input.clusterId)) throw notFound('cluster', input.clusterId);
    const network = networksRepo.findById(c, input.networkId);
    if (!network) throw notFound('network', input.networkId);
    const vms = vmsRepo
      .listUsingNetwork(c, network.id)
      .filter((v) => v.clusterId === input.clusterId);
    const failure = firstFailure(
      () =>
        failWith('NETWORK_NOT_EXISTS_IN_CLUSTER').when(
          networkClustersRepo.find(c, input.clusterId, network.id) === null,
        ),
      () =>
        failWith('NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS', {
          networkName: network.name,
          vmNames: vms.map((v) => v.name).join(', '),
        }).when(vms.length > 0),
    );
    return failure ? invalid(failure) : valid(network);
  },
  execute: async (ctx, input, network) => {
    const c = ctx.database.db;
    const hosts = hostsRepo
      .listByCluster(c, input.clusterId)
      .filter((h) => networkAttachmentsRepo.find(c, h.id, network.id) !== null);
    await applySharedToHosts(
      ctx,
      'DetachNetworkFromCluster',
      {
        snapshot: ['network_cluster', 'network_id', network.id],
        mutate: (tx) => {
          networkClustersRepo.delete(tx, input.clusterId, network.id);
        },
      },
      hosts.map((h) => h.id),
      {
        mutate: (tx, hostId) => {
          const a = networkAttachmentsRepo.find(tx, hostId, network.id);
          if (a) networkAttachmentsRepo.delete(tx, a.id);
        },
        pushToHost: (hostId) => hosts.some((h) => h.id === hostId && REACHABLE.includes(h.status)),
      },
    );
    ctx.events.entity('network_cluster', `${input.clusterId}:${network.id}`, 'removed');
    return null;
  },
  subject: (input, network) => ({
    description: `Network ${network?.name ?? input.networkId} from cluster ${input.clusterId}`,
    networkId: input.networkId,
    clusterId: input.clusterId,
  }),
});
