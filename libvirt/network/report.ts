// SPDX-License-Identifier: Apache-2.0
/**
 * What the host reports for a network (read back after apply, and on demand), pure over a fact
 * snapshot. The drift between a report and the desired setup is drift.ts.
 */
import type { ReportedNetwork } from '../host-agent';
import { isSegmentPort } from '../segment/names';
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
