// SPDX-License-Identifier: Apache-2.0
import type { Tx } from '../../../db/client';
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networkClustersRepo } from '../../../db/repos/networks.repo';

/**
 * oVirt's network status in a cluster: `non_operational` while a required network is missing
 * on an active host of the cluster. Decision for a one-host appliance: this is reported, but
 * does not take the host down (oVirt would set it NonOperational), so a lab keeps running
 * while the admin fixes a NIC-backed network.
 */
export function refreshClusterNetworkStatus(tx: Tx, clusterId: string): void {
  const hosts = hostsRepo
    .listByCluster(tx, clusterId)
    .filter((h) => h.status === 'up' || h.status === 'initializing');
  const carried = hosts.map(
    (h) => new Set(networkAttachmentsRepo.listByHost(tx, h.id).map((a) => a.networkId)),
  );
  for (const nc of networkClustersRepo.listByCluster(tx, clusterId)) {
    const missing = nc.required && carried.some((networks) => !networks.has(nc.networkId));
    const status = missing ? 'non_operational' : 'operational';
    if (status !== nc.status) networkClustersRepo.setStatus(tx, clusterId, nc.networkId, status);
  }
}
