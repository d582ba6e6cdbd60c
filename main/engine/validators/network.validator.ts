// SPDX-License-Identifier: Apache-2.0
/**
 * Network definition rules (oVirt `NetworkValidator` + the seeds' isolated-network rules).
 * Pure checks first (no database), then the ones that read it.
 */
import type { Conn } from '../../../db/client';
import { hostNicsRepo, hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../../db/repos/networks.repo';
import type { ClusterRole } from '../../contract/clusters';
import { LABEL_PATTERN, MAX_MTU, MIN_MTU, NETWORK_NAME_MAX_LENGTH } from '../../contract/networks';
import { effectiveMtu } from '../host-networks';
import { failWith, firstFailure, VALID, type ValidationResult } from '../validation';

/** The fields of a network the definition rules look at. */
export interface NetworkDefinition {
  readonly name: string;
  readonly mtu: number;
  readonly vlanId: number | null;
  readonly stp: boolean;
  readonly vmNetwork: boolean;
  readonly isolated: boolean;
  readonly portIsolation: boolean;
}

/** Name rules: not empty, ≤ 256 characters (any characters), not starting with `bond`. */
export function validateNetworkName(name: string): ValidationResult {
  return firstFailure(
    () => failWith('ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY').when(name.length === 0),
    () =>
      failWith('ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG', {
        maxLength: NETWORK_NAME_MAX_LENGTH,
      }).when(Array.from(name).length > NETWORK_NAME_MAX_LENGTH),
    () => failWith('NETWORK_CANNOT_CONTAIN_BOND_NAME').when(/^bond/i.test(name)),
  );
}

/** MTU: 0 (default) or 68..65535. */
export function validateMtu(mtu: number): ValidationResult {
  return failWith('MTU_VALUE_INVALID', { mtu }).when(mtu !== 0 && (mtu < MIN_MTU || mtu > MAX_MTU));
}

/** Every rule that needs no database (pure; unit-tested). */
export function validateNetworkDefinition(d: NetworkDefinition): ValidationResult {
  return firstFailure(
    () => validateNetworkName(d.name),
    () => validateMtu(d.mtu),
    () =>
      failWith('NETWORK_VLAN_OUT_OF_RANGE').when(
        d.vlanId !== null && (d.vlanId < 0 || d.vlanId > 4094),
      ),
    // Seed: "Isolated Networks will be limited to VM networks only and only MTU should be
    // relevant" — so no VLAN; checked before the generic VM-only rules for a clear message.
    () =>
      failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_VM_NETWORK').when(
        d.isolated && !d.vmNetwork,
      ),
    () =>
      failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN').when(
        d.isolated && d.vlanId !== null,
      ),
    // Seed: "only MTU should be relevant" on an isolated network. STP only matters between
    // bridges (an isolated bridge has no uplink that could loop) and port isolation would cut
    // guests off from each other — their only peers — so both are refused, not ignored.
    () => failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_STP').when(d.isolated && d.stp),
    () =>
      failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_PORT_ISOLATION').when(
        d.isolated && d.portIsolation,
      ),
    () => failWith('NON_VM_NETWORK_CANNOT_SUPPORT_STP').when(d.stp && !d.vmNetwork),
    () =>
      failWith('NON_VM_NETWORK_CANNOT_SUPPORT_PORT_ISOLATION').when(
        d.portIsolation && !d.vmNetwork,
      ),
  );
}

/** Label format `[0-9a-zA-Z_-]+`. */
export function validateLabel(label: string): ValidationResult {
  return failWith('NETWORK_LABEL_FORMAT_INVALID', { label }).when(!LABEL_PATTERN.test(label));
}

/** Isolated networks bear no cluster role and are always required. */
export function validateIsolatedInCluster(
  isolated: boolean,
  required: boolean | undefined,
  roles: readonly ClusterRole[] | undefined,
): ValidationResult {
  if (!isolated) return VALID;
  return firstFailure(
    () =>
      failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES', {
        roles: (roles ?? []).join(', '),
      }).when((roles ?? []).length > 0),
    () => failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED').when(required === false),
  );
}

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
