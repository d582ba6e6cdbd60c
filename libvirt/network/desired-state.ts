// SPDX-License-Identifier: Apache-2.0
/**
 * Third step of setupNetworks: from the host's current facts and a canonical request, the
 * ordered list of steps that makes the host match (VDSM's desired state). Pure: no I/O, so it
 * is unit-tested as a table. The same step language also describes the way back
 * ({@link restoreSteps}), which is how rollback restores the exact previous state.
 */
import { IPV6_MIN_MTU } from '../../main/contract/rules/network';
import { isSegmentPort } from '../segment/names';
import type { CanonicalRequest } from './canonicalize';
import type { BridgeSysctls, HostNetFacts, LinkState } from './host-facts';
import { isTapKind } from './validate';

/** Sysctl values of an isolated bridge: no IPv6, no ARP for host addresses, strict rp_filter. */
export const ISOLATED_SYSCTLS: BridgeSysctls = { disableIpv6: 1, arpIgnore: 8, rpFilter: 1 };

/** One host change; apply.ts turns each into exactly one iproute2 call or sysctl write set. */
export type NetStep =
  | { readonly op: 'bridge-add'; readonly dev: string; readonly stp: boolean }
  | { readonly op: 'bridge-del'; readonly dev: string }
  /** IPv6 address generation mode and the bridge sysctls (isolation, or restoring a snapshot). */
  | {
      readonly op: 'bridge-sysctls';
      readonly dev: string;
      readonly addrGenMode: string;
      readonly sysctls: BridgeSysctls;
    }
  | { readonly op: 'set-mtu'; readonly dev: string; readonly mtu: number }
  | { readonly op: 'set-stp'; readonly dev: string; readonly stp: boolean }
  | { readonly op: 'set-mac'; readonly dev: string; readonly mac: string }
  | { readonly op: 'enslave'; readonly dev: string; readonly master: string }
  | { readonly op: 'release'; readonly dev: string }
  | { readonly op: 'up'; readonly dev: string }
  | { readonly op: 'down'; readonly dev: string }
  | { readonly op: 'addr-add'; readonly dev: string; readonly cidr: string }
  | { readonly op: 'addr-del'; readonly dev: string; readonly cidr: string };

/**
 * True when the device has no IPv6 at all: below 1280 the kernel drops its IPv6 state
 * (`/proc/sys/net/ipv6/conf/<dev>` disappears, no address generation mode is reported) —
 * as isolated as disable_ipv6=1, and the IPv6 settings cannot even be written then.
 */
export function hasNoIpv6(link: LinkState): boolean {
  return link.mtu < IPV6_MIN_MTU;
}

/** True when the bridge has no IPv6 for the host: disabled, or gone with a small MTU. */
export function isIpv6Isolated(link: LinkState): boolean {
  const s = link.sysctl;
  return (
    hasNoIpv6(link) ||
    (link.addrGenMode === 'none' && s !== null && s.disableIpv6 === ISOLATED_SYSCTLS.disableIpv6)
  );
}

/** True when a bridge already has the isolation settings. */
export function isIsolated(link: LinkState): boolean {
  const s = link.sysctl;
  return (
    isIpv6Isolated(link) &&
    s !== null &&
    s.arpIgnore === ISOLATED_SYSCTLS.arpIgnore &&
    s.rpFilter === ISOLATED_SYSCTLS.rpFilter
  );
}

/**
 * The steps that turn `facts` into what `request` asks for. Removals release their ports first
 * (they may free a NIC a setup reuses) and delete their bridges last; within a network: bridge, isolation (before the bridge is ever up, so
 * no link-local address appears), MTU (set explicitly so it never follows a smaller port),
 * ports, then up.
 */
export function desiredState(facts: HostNetFacts, request: CanonicalRequest): NetStep[] {
  const steps: NetStep[] = [];
  // Masters as they will be after the steps planned so far (a NIC may move between bridges).
  const master = new Map<string, string | null>(
    [...facts.links.values()].map((l) => [l.name, l.master]),
  );
  const kindOf = (dev: string): string | null => facts.links.get(dev)?.kind ?? null;
  const nonTapPorts = (bridge: string): string[] =>
    [...master.entries()]
      .filter(([dev, m]) => m === bridge && !isTapKind(kindOf(dev)) && !isSegmentPort(dev))
      .map(([dev]) => dev)
      .sort();

  // Bridges are deleted last: a failure anywhere before then is rolled back without having
  // to re-create a deleted bridge (which would come back with a new ifindex).
  const deletions: NetStep[] = [];
  for (const name of request.removals) {
    const link = facts.links.get(name);
    if (link === undefined) continue;
    for (const port of nonTapPorts(name)) {
      steps.push({ op: 'release', dev: port });
      master.set(port, null);
    }
    deletions.push({ op: 'bridge-del', dev: name });
  }

  // New bridges are all created and isolated first (none is up before its isolation, and
  // apply.ts sends them to the kernel in one batch when several networks come at once).
  const creations: NetStep[] = [];
  const releases = steps.splice(0);
  for (const net of request.setups) {
    const cur = facts.links.get(net.name);
    if (cur === undefined) {
      creations.push({ op: 'bridge-add', dev: net.name, stp: net.stp });
      creations.push({
        op: 'bridge-sysctls',
        dev: net.name,
        addrGenMode: 'none',
        sysctls: ISOLATED_SYSCTLS,
      });
      steps.push({ op: 'set-mtu', dev: net.name, mtu: net.mtu });
    } else {
      if (cur.stp !== net.stp) steps.push({ op: 'set-stp', dev: net.name, stp: net.stp });
      // Without IPv6 (MTU < 1280) the IPv6 settings cannot be written; raising the MTU gives
      // the bridge a fresh IPv6 with the kernel's defaults (eui64 link-local!), so isolation
      // is applied right after the MTU then (issue 13 item 9).
      const ipv6Returns = hasNoIpv6(cur) && net.mtu >= IPV6_MIN_MTU;
      const isolation: NetStep = {
        op: 'bridge-sysctls',
        dev: net.name,
        addrGenMode: 'none',
        sysctls: ISOLATED_SYSCTLS,
      };
      if (!isIsolated(cur) && !hasNoIpv6(cur)) steps.push(isolation);
      for (const cidr of cur.ipv4) steps.push({ op: 'addr-del', dev: net.name, cidr });
      if (cur.mtu !== net.mtu) steps.push({ op: 'set-mtu', dev: net.name, mtu: net.mtu });
      if (ipv6Returns) steps.push(isolation);
      // VM taps and the segment service's veth carry the network MTU too (keep it on change).
      for (const [dev, m] of master) {
        const tap = facts.links.get(dev);
        const follows = tap !== undefined && (isTapKind(tap.kind) || isSegmentPort(dev));
        if (m === net.name && follows && tap.mtu !== net.mtu) {
          steps.push({ op: 'set-mtu', dev, mtu: net.mtu });
        }
      }
    }
    for (const port of nonTapPorts(net.name)) {
      if (port === net.nic) continue;
      steps.push({ op: 'release', dev: port });
      master.set(port, null);
    }
    if (net.nic !== null) {
      const nic = facts.links.get(net.nic);
      if (nic !== undefined && nic.mtu !== net.mtu)
        steps.push({ op: 'set-mtu', dev: net.nic, mtu: net.mtu });
      const m = master.get(net.nic) ?? null;
      if (m !== net.name) {
        if (m !== null) steps.push({ op: 'release', dev: net.nic });
        steps.push({ op: 'enslave', dev: net.nic, master: net.name });
        master.set(net.nic, net.name);
      }
      if (nic !== undefined && !nic.up) steps.push({ op: 'up', dev: net.nic });
    }
    if (cur === undefined || !cur.up) steps.push({ op: 'up', dev: net.name });
  }
  return [...releases, ...creations, ...steps, ...deletions];
}

/** Devices a plan touches, plus the ports of every bridge it touches (their master may change). */
export function touchedDevices(facts: HostNetFacts, steps: readonly NetStep[]): string[] {
  const devs = new Set<string>();
  for (const s of steps) {
    devs.add(s.dev);
    if (s.op === 'enslave') devs.add(s.master);
  }
  for (const l of facts.links.values())
    if (l.master !== null && devs.has(l.master)) devs.add(l.name);
  return [...devs].sort();
}

/** A snapshot: the state of each touched device before the change (null = did not exist). */
export type Snapshot = ReadonlyMap<string, LinkState | null>;

export function takeSnapshot(facts: HostNetFacts, devices: readonly string[]): Snapshot {
  return new Map(devices.map((d) => [d, facts.links.get(d) ?? null]));
}

const isLinkLocal6 = (cidr: string): boolean => cidr.toLowerCase().startsWith('fe80:');

function sameSysctls(a: LinkState, b: LinkState): boolean {
  return (
    a.addrGenMode === b.addrGenMode &&
    a.sysctl?.disableIpv6 === b.sysctl?.disableIpv6 &&
    a.sysctl?.arpIgnore === b.sysctl?.arpIgnore &&
    a.sysctl?.rpFilter === b.sysctl?.rpFilter
  );
}

/**
 * The steps that bring every device in `snapshot` back to its recorded state, given the host as
 * it is `now` (after a partial or failed apply). Pure. Order: delete bridges that did not
 * exist, re-create bridges that did, restore per-device settings and ports, MTUs, addresses,
 * and finally up/down.
 */
export function restoreSteps(snapshot: Snapshot, now: HostNetFacts): NetStep[] {
  const del: NetStep[] = [];
  const create: NetStep[] = [];
  const settings: NetStep[] = [];
  const release: NetStep[] = [];
  const enslave: NetStep[] = [];
  const mtu: NetStep[] = [];
  /** IPv6 settings that can only be written once a restored MTU has given IPv6 back. */
  const afterMtu: NetStep[] = [];
  const addrs: NetStep[] = [];
  const updown: NetStep[] = [];

  for (const [dev, was] of snapshot) {
    const is = now.links.get(dev);
    if (was === null) {
      if (is?.kind === 'bridge') del.push({ op: 'bridge-del', dev });
      continue;
    }
    if (is === undefined) {
      if (was.kind !== 'bridge') continue; // only bridges are ever deleted by a plan
      create.push({ op: 'bridge-add', dev, stp: was.stp ?? false });
      if (was.sysctl !== null && was.addrGenMode !== null) {
        create.push({
          op: 'bridge-sysctls',
          dev,
          addrGenMode: was.addrGenMode,
          sysctls: was.sysctl,
        });
      }
      create.push({ op: 'set-mac', dev, mac: was.mac });
      mtu.push({ op: 'set-mtu', dev, mtu: was.mtu });
      for (const cidr of [...was.ipv4, ...was.ipv6.filter((c) => !isLinkLocal6(c))]) {
        addrs.push({ op: 'addr-add', dev, cidr });
      }
      if (was.master !== null) enslave.push({ op: 'enslave', dev, master: was.master });
      if (was.up) updown.push({ op: 'up', dev });
      continue;
    }
    if (was.kind === 'bridge' && is.kind === 'bridge') {
      if (was.stp !== null && was.stp !== is.stp)
        settings.push({ op: 'set-stp', dev, stp: was.stp });
      if (!sameSysctls(was, is) && was.sysctl !== null && was.addrGenMode !== null) {
        // No IPv6 now (MTU < 1280): write them after the MTU step brought it back.
        (hasNoIpv6(is) ? afterMtu : settings).push({
          op: 'bridge-sysctls',
          dev,
          addrGenMode: was.addrGenMode,
          sysctls: was.sysctl,
        });
      }
    }
    if (was.master !== is.master) {
      if (is.master !== null) release.push({ op: 'release', dev });
      if (was.master !== null) enslave.push({ op: 'enslave', dev, master: was.master });
    }
    if (was.mtu !== is.mtu) mtu.push({ op: 'set-mtu', dev, mtu: was.mtu });
    for (const cidr of is.ipv4)
      if (!was.ipv4.includes(cidr)) addrs.push({ op: 'addr-del', dev, cidr });
    for (const cidr of was.ipv4)
      if (!is.ipv4.includes(cidr)) addrs.push({ op: 'addr-add', dev, cidr });
    for (const cidr of was.ipv6.filter((c) => !isLinkLocal6(c))) {
      if (!is.ipv6.includes(cidr)) addrs.push({ op: 'addr-add', dev, cidr });
    }
    if (was.up !== is.up) updown.push({ op: was.up ? 'up' : 'down', dev });
  }
  return [
    ...del,
    ...create,
    ...settings,
    ...release,
    ...enslave,
    ...mtu,
    ...afterMtu,
    ...addrs,
    ...updown,
  ];
}
