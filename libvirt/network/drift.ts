// SPDX-License-Identifier: Apache-2.0
/**
 * Drift, computed once (issue 14): what differs between a network's desired setup and what
 * the host reports for it. The host layer checks its read-back with it after every apply; the
 * engine decides with it which networks activation repairs. Pure, and it imports nothing from
 * host-agent.ts (which re-exports it and its types), so the two modules form no cycle.
 */
import { effectiveMtu } from '../../main/contract/rules/network';

export type DriftField = 'missing' | 'mtu' | 'nic' | 'ports' | 'ipv4' | 'ipv6' | 'stp' | 'down';

export interface NetworkDrift {
  readonly field: DriftField;
  readonly expected: string;
  readonly actual: string;
}

/** The parts of a desired setup drift compares (host-agent's `NetworkSetup`). */
export interface DesiredLink {
  readonly nic?: string;
  readonly mtu?: number;
  readonly stp?: boolean;
}

/** The parts of a report drift compares (host-agent's `ReportedNetwork`). */
interface ReportedLink {
  readonly exists: boolean;
  readonly mtu: number | null;
  readonly nic: string | null;
  readonly stp: boolean | null;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly up?: boolean;
  readonly otherPorts?: readonly string[];
  readonly ipv6Disabled?: boolean;
  readonly ipv4HostBlocked?: boolean;
}

/** A desired setup with its defaults explicit (MTU 0/absent → 1500, no NIC, STP off). */
export function explicitSetup(desired: DesiredLink): {
  readonly nic: string | null;
  readonly mtu: number;
  readonly stp: boolean;
} {
  return { nic: desired.nic ?? null, mtu: effectiveMtu(desired.mtu), stp: desired.stp ?? false };
}

const none = (list: readonly string[]): string => (list.length === 0 ? 'none' : list.join(','));

/** What differs between the desired setup and the report; empty when the network is as asked. */
export function networkDrift(desired: DesiredLink, reported: ReportedLink): NetworkDrift[] {
  const want = explicitSetup(desired);
  if (!reported.exists)
    return [{ field: 'missing', expected: 'bridge present', actual: 'missing' }];
  const drift: NetworkDrift[] = [];
  const add = (field: DriftField, expected: string, actual: string): void => {
    drift.push({ field, expected, actual });
  };
  if (reported.mtu !== want.mtu) add('mtu', String(want.mtu), String(reported.mtu));
  if (reported.nic !== want.nic) add('nic', want.nic ?? 'none', reported.nic ?? 'none');
  if ((reported.otherPorts ?? []).length > 0)
    add('ports', 'NIC and VM taps only', none(reported.otherPorts ?? []));
  if (reported.ipv4.length > 0) add('ipv4', 'none', none(reported.ipv4));
  else if (reported.ipv4HostBlocked === false)
    add('ipv4', 'host unreachable', 'host answers ARP / rp_filter off');
  if (reported.ipv6.length > 0) add('ipv6', 'none', none(reported.ipv6));
  else if (reported.ipv6Disabled === false) add('ipv6', 'disabled', 'enabled');
  if (reported.stp !== want.stp) add('stp', String(want.stp), String(reported.stp));
  if (reported.up === false) add('down', 'up', 'down');
  return drift;
}
