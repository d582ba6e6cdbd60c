// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetNetworkOnCluster` query. */
import { networkClustersRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { clusterNetwork } from '../views';
import { must } from './must';

export const GetNetworkOnCluster: Query<'GetNetworkOnCluster'> = (ctx, i) => {
  must(networkClustersRepo.find(ctx.database.db, i.clusterId, i.networkId), 'network', i.networkId);
  return clusterNetwork(ctx, i.clusterId, i.networkId);
};
