// SPDX-License-Identifier: Apache-2.0
/**
 * Network definition rules (oVirt `NetworkValidator` + the seeds' isolated-network rules).
 * Pure checks first (no database), then the ones that read it.
 */
import type { Conn } from '../../../db/client';
import { hostNicsRepo, hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../../db/repos/networks.repo';
import { effectiveMtu } from '../../contract/rules/network';
import { failWith, firstFailure, type ValidationResult } from '../validation';

// The pure rules (name, MTU, VLAN, label, isolated constraints) are the contract's, shared with
// the host layer and the network form; the ones below read the database.
export {
  type NetworkDefinition,
  validateIsolatedInCluster,
  validateLabel,
  validateMtu,
  validateNetworkDefinition,
  validateNetworkName,
} from '../../contract/rules/network';

/** Name unique in the data center, and not another network's on-host name. */
export function validateNameFree(
  c: Conn,
  dataCenterId: string,
  name: string,
  selfId: string | null,
): ValidationResult {
  const same = networksRepo.findByName(c, dataCenterId, name);
  const asVdsm = networksRepo.findByVdsmName(c, dataCenterId, name);
  return firstFailure(
    () =>
      failWith('ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE', { NetworkName: name }).when(
        same !== null && same.id !== selfId,
      ),
    () =>
      failWith('NETWORK_NAME_USED_AS_VDSM_NETWORK_NAME', {
        NetworkName: name,
        ConflictingNetwork: asVdsm?.name ?? '',
      }).when(asVdsm !== null && asVdsm.id !== selfId && asVdsm.name !== name),
  );
}

/** The on-host name must not collide with another network's on-host name. */
export function validateVdsmNameFree(
  c: Conn,
  dataCenterId: string,
  name: string,
  vdsmName: string,
  selfId: string | null,
): ValidationResult {
  const other = networksRepo.findByVdsmName(c, dataCenterId, vdsmName);
  return failWith('NETWORK_NAME_USED_AS_VDSM_NETWORK_NAME', {
    NetworkName: name,
    ConflictingNetwork: other?.name ?? '',
  }).when(other !== null && other.id !== selfId);
}

/**
 * MTU not above what the hosts carrying the network can do: the NIC's max MTU for NIC
 * attachments, the host's bridge limit for NIC-less ones. `clusterIds` adds hosts that will
 * carry it (cluster attach of an isolated network).
 */
export function validateMtuOnHosts(
  c: Conn,
  networkId: string | null,
  mtu: number,
  clusterIds: readonly string[] = [],
): ValidationResult {
  const want = effectiveMtu(mtu);
  const checks: { hostName: string; max: number }[] = [];
  if (networkId !== null) {
    for (const a of networkAttachmentsRepo.listByNetwork(c, networkId)) {
      const host = hostsRepo.findById(c, a.hostId);
      if (!host) continue;
      const nic = a.hostNicId === null ? null : hostNicsRepo.findById(c, a.hostId, a.hostNicId);
      checks.push({ hostName: host.name, max: nic?.maxMtu ?? host.maxMtu });
    }
    for (const nc of networkClustersRepo.listByNetwork(c, networkId)) {
      for (const h of hostsRepo.listByCluster(c, nc.clusterId))
        checks.push({ hostName: h.name, max: h.maxMtu });
    }
  }
  for (const clusterId of clusterIds) {
    for (const h of hostsRepo.listByCluster(c, clusterId))
      checks.push({ hostName: h.name, max: h.maxMtu });
  }
  const over = checks.find((x) => want > x.max);
  return failWith('ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY', {
    mtu: want,
    hostName: over?.hostName ?? '',
    maxMtu: over?.max ?? 0,
  }).when(over !== undefined);
}
