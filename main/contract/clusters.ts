// SPDX-License-Identifier: Apache-2.0
/** Clusters and networks in cluster context (`/clusters/{id}/networks`). */
import type { Version } from './data-centers';
import type { Network } from './networks';

export interface Cluster {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly dataCenterId: string;
  readonly cpuArchitecture: 'x86_64';
  readonly version: Version;
  /** oVirt's `switch_type`; Linux bridges only. */
  readonly switchType: 'legacy';
}

/** Cluster roles a network may bear (oVirt `usages` minus `vm`). */
export const CLUSTER_ROLES = [
  'display',
  'migration',
  'management',
  'gluster',
  'default_route',
] as const;
export type ClusterRole = (typeof CLUSTER_ROLES)[number];

/** oVirt `NetworkStatus` in cluster context. */
export type ClusterNetworkStatus = 'operational' | 'non_operational';

/** The network–cluster relation (oVirt `network_cluster`). */
export interface NetworkCluster {
  readonly clusterId: string;
  readonly networkId: string;
  /** Always true for isolated networks (seed "NIC-less Network"). */
  readonly required: boolean;
  readonly roles: readonly ClusterRole[];
  readonly status: ClusterNetworkStatus;
}

/** A network as `/clusters/{id}/networks` shows it: the network plus its cluster relation. */
export interface ClusterNetwork extends Network {
  readonly cluster: NetworkCluster;
}
