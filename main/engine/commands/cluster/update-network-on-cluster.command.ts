// SPDX-License-Identifier: Apache-2.0
/** UpdateNetworkOnCluster: `required` and roles; isolated networks stay required, role-less. */
import { networkClustersRepo, networksRepo } from '../../../../db/repos/networks.repo';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { refreshClusterNetworkStatus } from '../../host-networks';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateIsolatedInCluster } from '../../validators/network.validator';
import { clusterNetwork } from '../../views';

export const UpdateNetworkOnClusterCommand = defineCommand<'UpdateNetworkOnCluster', Network>({
  action: 'update',
  type: 'Network',
  auditCode: 'NETWORK_UPDATE_NETWORK_ON_CLUSTER',
  locks: (_ctx, input) => [lockKey.network(input.networkId), lockKey.cluster(input.clusterId)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const network = networksRepo.findById(c, input.networkId);
    if (!network) throw notFound('network', input.networkId);
    const failure = firstFailure(
      () =>
        failWith('NETWORK_NOT_EXISTS_IN_CLUSTER').when(
          networkClustersRepo.find(c, input.clusterId, network.id) === null,
        ),
      () => validateIsolatedInCluster(network.isolated, input.required, input.roles),
    );
    return failure ? invalid(failure) : valid(network);
  },
  execute: (ctx, input) => {
    ctx.database.transaction((tx) => {
      networkClustersRepo.update(tx, input.clusterId, input.networkId, {
        ...(input.required === undefined ? {} : { required: input.required }),
        ...(input.roles === undefined ? {} : { roles: input.roles }),
      });
      refreshClusterNetworkStatus(tx, input.clusterId);
    });
    ctx.events.entity('network_cluster', `${input.clusterId}:${input.networkId}`, 'updated');
    return Promise.resolve(clusterNetwork(ctx, input.clusterId, input.networkId));
  },
  subject: (input, network) => ({
    description: `Network ${network?.name ?? input.networkId} on cluster ${input.clusterId}`,
    networkId: input.networkId,
    clusterId: input.clusterId,
  }),
});
