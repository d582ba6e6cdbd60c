// SPDX-License-Identifier: Apache-2.0
/** Networks of a cluster, in cluster context (required, roles, status). */
import { clustersRepo } from '../../../db/repos/data-centers.repo';
import { networkClustersRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { clusterNetwork } from '../views';
import { must } from './must';

export const GetNetworksByClusterId: Query<'GetNetworksByClusterId'> = (ctx, i) => {
  must(clustersRepo.findById(ctx.database.db, i.clusterId), 'cluster', i.clusterId);
  return networkClustersRepo
    .listByCluster(ctx.database.db, i.clusterId)
    .map((nc) => clusterNetwork(ctx, i.clusterId, nc.networkId));
};
