// SPDX-License-Identifier: Apache-2.0
/** Queries over data centers, clusters, networks, labels and vNIC profiles. */
import { clustersRepo, dataCentersRepo } from '../../../db/repos/data-centers.repo';
import {
  networkClustersRepo,
  networkLabelsRepo,
  networksRepo,
  vnicProfilesRepo,
} from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { clusterNetwork } from '../commands/cluster/attach-network-to-cluster.command';
import { notFound } from '../validation';

const must = <T>(v: T | null, entity: string, id: string): T => {
  if (v === null) throw notFound(entity, id);
  return v;
};

export const GetAllDataCenters: Query<'GetAllDataCenters'> = (ctx) =>
  dataCentersRepo.list(ctx.database.db);
export const GetDataCenterById: Query<'GetDataCenterById'> = (ctx, i) =>
  must(dataCentersRepo.findById(ctx.database.db, i.id), 'data_center', i.id);
export const GetAllClusters: Query<'GetAllClusters'> = (ctx) => clustersRepo.list(ctx.database.db);
export const GetClusterById: Query<'GetClusterById'> = (ctx, i) =>
  must(clustersRepo.findById(ctx.database.db, i.id), 'cluster', i.id);
export const GetNetworksByClusterId: Query<'GetNetworksByClusterId'> = (ctx, i) => {
  must(clustersRepo.findById(ctx.database.db, i.clusterId), 'cluster', i.clusterId);
  return networkClustersRepo
    .listByCluster(ctx.database.db, i.clusterId)
    .map((nc) => clusterNetwork(ctx, i.clusterId, nc.networkId));
};
export const GetNetworkOnCluster: Query<'GetNetworkOnCluster'> = (ctx, i) => {
  must(networkClustersRepo.find(ctx.database.db, i.clusterId, i.networkId), 'network', i.networkId);
  return clusterNetwork(ctx, i.clusterId, i.networkId);
};
export const GetAllNetworks: Query<'GetAllNetworks'> = (ctx, i) =>
  networksRepo.list(ctx.database.db, i.dataCenterId);
export const GetNetworkById: Query<'GetNetworkById'> = (ctx, i) =>
  must(networksRepo.findById(ctx.database.db, i.id), 'network', i.id);
export const GetNetworkLabels: Query<'GetNetworkLabels'> = (ctx, i) => {
  must(networksRepo.findById(ctx.database.db, i.networkId), 'network', i.networkId);
  return networkLabelsRepo.listByNetwork(ctx.database.db, i.networkId);
};
export const GetAllVnicProfiles: Query<'GetAllVnicProfiles'> = (ctx) =>
  vnicProfilesRepo.list(ctx.database.db);
export const GetVnicProfileById: Query<'GetVnicProfileById'> = (ctx, i) =>
  must(vnicProfilesRepo.findById(ctx.database.db, i.id), 'vnic_profile', i.id);
export const GetVnicProfilesByNetworkId: Query<'GetVnicProfilesByNetworkId'> = (ctx, i) => {
  must(networksRepo.findById(ctx.database.db, i.networkId), 'network', i.networkId);
  return vnicProfilesRepo.listByNetwork(ctx.database.db, i.networkId);
};
