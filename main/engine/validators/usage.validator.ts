// SPDX-License-Identifier: Apache-2.0
/** "In use" rules: networks used by VMs (any status) or by running VMs. */
import type { Conn } from '../../../db/client';
import { ACTIVE_VM_STATUSES, vmsRepo } from '../../../db/repos/vms.repo';
import type { Network } from '../../contract/networks';
import { failWith, type ValidationResult } from '../validation';

/** Names of running VMs (on `hostId` when given) with a vNIC on the network. */
export function runningVmsUsing(c: Conn, networkId: string, hostId: string | null): string[] {
  return vmsRepo
    .listUsingNetwork(c, networkId)
    .filter(
      (v) => ACTIVE_VM_STATUSES.includes(v.status) && (hostId === null || v.hostId === hostId),
    )
    .map((v) => v.name);
}

/** Refuse taking a network away from a host while running VMs use it (409). */
export function notUsedByRunningVms(
  c: Conn,
  network: Network,
  hostId: string | null,
): ValidationResult {
  const names = runningVmsUsing(c, network.id, hostId);
  return failWith('NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS', {
    networkName: network.name,
    vmNames: names.join(', '),
  }).when(names.length > 0);
}

/** Refuse removing/retyping a network any VM (running or not) has a vNIC on (409). */
export function notUsedByVms(c: Conn, network: Network): ValidationResult {
  const names = vmsRepo.listUsingNetwork(c, network.id).map((v) => v.name);
  return failWith(
    names.length > 1
      ? 'ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES'
      : 'ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE',
    {
      entities: names.length > 1 ? 'VMs' : 'VM',
      ENTITIES_USING_NETWORK: names.join(', '),
    },
  ).when(names.length > 0);
}
