// SPDX-License-Identifier: Apache-2.0
/**
 * What the host should carry, read from the database (the desired state): one bridge per
 * attachment, named by the network's on-host (vdsm) name.
 */
import type { Conn } from '../../../db/client';
import { hostNicsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networksRepo } from '../../../db/repos/networks.repo';
import type { NetworkSetup } from '../../../libvirt/host-agent';
import type { HostStatus } from '../../contract/hosts';
import { DEFAULT_MTU, type Network } from '../../contract/networks';

/** MTU 0 means the default. */
export const effectiveMtu = (mtu: number): number => (mtu === 0 ? DEFAULT_MTU : mtu);

/** Host statuses in which the engine talks to the host's network layer. */
export const REACHABLE: readonly HostStatus[] = ['up', 'maintenance', 'non_operational'];

/** The host-agent setup for one network on a host. */
export function desiredSetup(network: Network, nicName: string | null): NetworkSetup {
  return {
    ...(nicName === null ? {} : { nic: nicName }),
    mtu: effectiveMtu(network.mtu),
    bridged: true,
    stp: network.stp,
  };
}

/** Whether two setups put the same bridge on the host. */
export const sameSetup = (a: NetworkSetup, b: NetworkSetup): boolean =>
  a.nic === b.nic && a.mtu === b.mtu && a.stp === b.stp;

/** One attachment as the host should carry it. */
export interface DesiredAttachment {
  readonly setup: NetworkSetup;
  readonly network: Network;
  readonly nicName: string | null;
  readonly attachmentId: string;
}

/** On-host name → desired setup, for every attachment of the host as the DB says now. */
export function hostDesiredState(c: Conn, hostId: string): Map<string, DesiredAttachment> {
  const out = new Map<string, DesiredAttachment>();
  // One query for all networks, not one per attachment: this runs on every deploy.
  const networks = new Map(networksRepo.list(c).map((n) => [n.id, n]));
  for (const a of networkAttachmentsRepo.listByHost(c, hostId)) {
    const network = networks.get(a.networkId);
    if (!network) continue;
    out.set(network.vdsmName, {
      setup: desiredSetup(network, a.hostNicName),
      network,
      nicName: a.hostNicName,
      attachmentId: a.id,
    });
  }
  return out;
}

/** Names of NICs a host has, for validators. */
export const hostNicNames = (c: Conn, hostId: string): string[] =>
  hostNicsRepo.listByHost(c, hostId).map((n) => n.name);
