// SPDX-License-Identifier: Apache-2.0
/**
 * AttachNetworkToCluster. An isolated network becomes required, permanently (seed
 * "NIC-less Network"); an explicit `required=false` or a cluster role is refused. The engine
 * then deploys it — and any labelled network matching a host label — on every Up host of
 * the cluster (NIC-less attachments through the host layer). Hosts that are not Up get it
 * when they are activated.
 */
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { networkClustersRepo } from '../../../../db/repos/networks.repo';
import type { Cluster } from '../../../contract/clusters';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import {
  applySharedToHosts,
  insertMissingAttachments,
  refreshClusterNetworkStatus,
  withProgress,
} from '../../host-networks';
import { resolveCluster, resolveNetwork } from '../../resolve';
import { failWith, firstFailure, invalid, valid } from '../../validation';
import { validateIsolatedInCluster, validateMtuOnHosts } from '../../validators/network.validator';
import { clusterNetwork } from '../../views';

interface Plan {
  readonly cluster: Cluster;
  readonly network: Network;
}

export const AttachNetworkToClusterCommand = defineCommand<'AttachNetworkToCluster', Plan>({
  action: 'attach',
  type: 'Network',
  auditCode: 'NETWORK_ATTACH_NETWORK_TO_CLUSTER',
  locks: (ctx, input) => {
    const c = ctx.database.db;
    const n = resolveNetwork(c, input.network, null);
    const cl = resolveCluster(c, input.cluster);
    return [
      ...(n.ok ? [lockKey.network(n.value.id)] : []),
      ...(cl.ok ? [lockKey.cluster(cl.value.id)] : []),
      ...hostsRepo.list(c).map((h) => lockKey.hostNetworks(h.id)),
    ];
  },
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const cluster = resolveCluster(c, input.cluster);
    if (!cluster.ok) return invalid(cluster.failure);
    const network = resolveNetwork(
      c,
      input.network,
      cluster.value.dataCenterId,
      'NETWORK_NOT_EXISTS',
    );
    if (!network.ok) return invalid(network.failure);
    const n = network.value;
    const failure = firstFailure(
      () =>
        failWith('ACTION_TYPE_FAILED_NETWORK_FROM_DIFFERENT_DC').when(
          n.dataCenterId !== cluster.value.dataCenterId,
        ),
      () =>
        failWith('NETWORK_ALREADY_ATTACHED_TO_CLUSTER').when(
          networkClustersRepo.find(c, cluster.value.id, n.id) !== null,
        ),
      () => validateIsolatedInCluster(n.isolated, input.required, input.roles),
      () => (n.isolated ? validateMtuOnHosts(c, null, n.mtu, [cluster.value.id]) : null),
    );
    return failure ? invalid(failure) : valid({ cluster: cluster.value, network: n });
  },
  execute: async (ctx, input, { cluster, network }) => {
    const row = {
      clusterId: cluster.id,
      networkId: network.id,
      required: network.isolated ? true : (input.required ?? true),
      roles: input.roles ?? [],
    };
    const upHosts = hostsRepo
      .listByCluster(ctx.database.db, cluster.id)
      .filter((h) => h.status === 'up');
    const only = new Set([network.id]);
    await withProgress(
      ctx,
      `Deploying network ${network.name} to ${upHosts.length} host(s) of cluster ${cluster.name}`,
      () =>
        applySharedToHosts(
          ctx,
          'AttachNetworkToCluster',
          {
            snapshot: ['network_cluster', 'network_id', network.id],
            mutate: (tx) => {
              networkClustersRepo.insert(tx, row);
            },
          },
          upHosts.map((h) => h.id),
          {
            mutate: (tx, hostId) => {
              insertMissingAttachments(tx, hostId, only);
            },
            pushToHost: () => true,
          },
        ),
    );
    ctx.database.transaction((tx) => {
      refreshClusterNetworkStatus(tx, cluster.id);
    });
    ctx.events.entity('network_cluster', `${cluster.id}:${network.id}`, 'added');
    return clusterNetwork(ctx, cluster.id, network.id);
  },
  subject: (input, plan) => ({
    description: `Network ${plan?.network.name ?? input.network.name ?? input.network.id ?? ''} to cluster ${plan?.cluster.name ?? input.cluster.name ?? input.cluster.id ?? ''}`,
    networkId: plan?.network.id ?? null,
    clusterId: plan?.cluster.id ?? null,
  }),
});
