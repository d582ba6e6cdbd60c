// SPDX-License-Identifier: Apache-2.0
/**
 * What the host reports for a network (read back after apply, and on demand), and the drift
 * between that report and the desired setup. Both pure over a fact snapshot.
 */
import type { DriftField, NetworkDrift, NetworkSetup, ReportedNetwork } from '../host-agent';
import { isSegmentPort } from '../segment/names';
import { canonicalizeNetwork } from './canonicalize';
import { isIpv6Isolated, ISOLATED_SYSCTLS } from './desired-state';
import { type HostNetFacts, portsOf } from './host-facts';
import { isTapKind } from './validate';

/**
 * The report for bridge `name`. `expectedNic` (from the running config) decides which
 * non-tap port is "the NIC"; any other non-tap port is reported in `otherPorts`.
 */
export function reportNetwork(
  facts: HostNetFacts,
  name: string,
  expectedNic: string | null,
): ReportedNetwork {
  const link = facts.links.get(name);
  if (link?.kind !== 'bridge') {
    return {
      name,
      exists: false,
      mtu: null,
      nic: null,
      bridged: true,
      stp: null,
      taps: [],
      ipv4: [],
      ipv6: [],
    };
  }
  const ports = portsOf(facts, name);
  const taps = ports.filter((p) => isTapKind(facts.links.get(p)?.kind ?? null));
  // The segment service's veth (DHCP/DNS namespace) belongs there: neither the NIC nor drift.
  const nonTaps = ports.filter((p) => !taps.includes(p) && !isSegmentPort(p));
  const nic =
    expectedNic !== null && nonTaps.includes(expectedNic) ? expectedNic : (nonTaps[0] ?? null);
  const s = link.sysctl;
  return {
    name,
    exists: true,
    mtu: link.mtu,
    nic,
    bridged: true,
    stp: link.stp,
    taps,
    ipv4: link.ipv4,
    ipv6: link.ipv6,
    up: link.up,
    otherPorts: nonTaps.filter((p) => p !== nic),
    // No IPv6 at all (MTU < 1280, the sysctl directory is gone) counts as disabled (item 9).
    ipv6Disabled: isIpv6Isolated(link),
    ipv4HostBlocked:
      s !== null &&
      s.arpIgnore === ISOLATED_SYSCTLS.arpIgnore &&
      s.rpFilter === ISOLATED_SYSCTLS.rpFilter,
  };
}

const none = (list: readonly string[]): string => (list.length === 0 ? 'none' : list.join(','));

/** What differs between the desired setup and the report; empty when the network is as asked. */
export function networkDrift(desired: NetworkSetup, reported: ReportedNetwork): NetworkDrift[] {
  const want = canonicalizeNetwork(reported.name, desired);
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
