// SPDX-License-Identifier: Apache-2.0
/**
 * What the kernel says about the host's links, read through iproute2's `-json` output and a
 * few per-device sysctls. Everything the network layer decides is decided against these facts.
 *
 * @see https://man7.org/linux/man-pages/man8/ip-link.8.html
 */
import { readFile } from 'node:fs/promises';

import { runJson } from '../exec';
import { isSegmentPort } from '../segment/names';

/** One link as the network layer needs it. */
export interface LinkState {
  readonly name: string;
  readonly index: number;
  /** `linkinfo.info_kind`: 'bridge', 'tun' (VM taps), 'veth', 'dummy', … or null (physical). */
  readonly kind: string | null;
  readonly linkType: string;
  readonly mac: string;
  readonly mtu: number;
  readonly maxMtu: number;
  /** Administratively up (the UP flag). */
  readonly up: boolean;
  /** Carrier present (LOWER_UP). */
  readonly lowerUp: boolean;
  readonly master: string | null;
  /** STP on, for bridges; null otherwise. */
  readonly stp: boolean | null;
  /** `inet6_addr_gen_mode` (eui64, none, stable_secret, random) or null when not reported. */
  readonly addrGenMode: string | null;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  /** Bridges only (null otherwise): the sysctls that keep the host off an isolated bridge. */
  readonly sysctl: BridgeSysctls | null;
}

/** Per-bridge sysctls the host layer sets so guests cannot reach the host through it. */
export interface BridgeSysctls {
  /** net.ipv6.conf.<br>.disable_ipv6: 1 = no IPv6 at all on the bridge. */
  readonly disableIpv6: number;
  /** net.ipv4.conf.<br>.arp_ignore: 8 = never answer ARP for host addresses. */
  readonly arpIgnore: number;
  /** net.ipv4.conf.<br>.rp_filter: 1 = strict, drops guest packets whose source routes elsewhere. */
  readonly rpFilter: number;
}

/** The host's links by name, plus the devices carrying a default route. */
export interface HostNetFacts {
  readonly links: ReadonlyMap<string, LinkState>;
  readonly defaultRouteDevices: ReadonlySet<string>;
}

/** Ports of a bridge, sorted, from a fact snapshot. */
export function portsOf(facts: HostNetFacts, bridge: string): string[] {
  return [...facts.links.values()]
    .filter((l) => l.master === bridge)
    .map((l) => l.name)
    .sort();
}

interface IpLinkJson {
  ifindex?: number;
  ifname?: string;
  flags?: string[];
  mtu?: number;
  max_mtu?: number;
  link_type?: string;
  address?: string;
  master?: string;
  inet6_addr_gen_mode?: string;
  linkinfo?: { info_kind?: string; info_data?: { stp_state?: number } };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

function asArray(value: unknown): IpLinkJson[] {
  return Array.isArray(value) ? (value as IpLinkJson[]) : [];
}

async function readSysctlNumber(path: string): Promise<number> {
  try {
    return Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
  } catch {
    return -1;
  }
}

/** Read one bridge's isolation sysctls (from /proc/sys, so names with dots need no escaping). */
export async function readBridgeSysctls(dev: string): Promise<BridgeSysctls> {
  const [disableIpv6, arpIgnore, rpFilter] = await Promise.all([
    readSysctlNumber(`/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`),
    readSysctlNumber(`/proc/sys/net/ipv4/conf/${dev}/arp_ignore`),
    readSysctlNumber(`/proc/sys/net/ipv4/conf/${dev}/rp_filter`),
  ]);
  return { disableIpv6, arpIgnore, rpFilter };
}

/**
 * Read every link with its addresses, bridge details and default routes.
 *
 * Bridge sysctls cost three /proc reads per bridge; with hundreds of networks on the host,
 * reading them all on every setupNetworks made each deploy O(networks) (bench: 0.2 s per
 * network at 10, 1.4 s at 160). Callers that know which bridges they care about pass
 * `sysctlsOf`; other bridges then carry `sysctl: null`.
 * @param sysctlsOf bridges whose sysctls to read; all bridges when omitted
 * @throws HostError HOST_COMMAND_FAILED when iproute2 fails
 */
export async function readHostFacts(sysctlsOf?: ReadonlySet<string>): Promise<HostNetFacts> {
  const [linksJson, addrsJson, route4, route6] = await Promise.all([
    runJson('ip', ['-d', '-json', 'link', 'show']),
    runJson('ip', ['-json', 'addr', 'show']),
    runJson('ip', ['-4', '-json', 'route', 'show', 'default']),
    runJson('ip', ['-6', '-json', 'route', 'show', 'default']),
  ]);
  const addrs = new Map<string, { ipv4: string[]; ipv6: string[] }>();
  for (const entry of asArray(addrsJson)) {
    if (entry.ifname === undefined) continue;
    const ipv4: string[] = [];
    const ipv6: string[] = [];
    for (const a of entry.addr_info ?? []) {
      if (a.local === undefined || a.prefixlen === undefined) continue;
      const cidr = `${a.local}/${a.prefixlen}`;
      if (a.family === 'inet') ipv4.push(cidr);
      else if (a.family === 'inet6') ipv6.push(cidr);
    }
    addrs.set(entry.ifname, { ipv4: ipv4.sort(), ipv6: ipv6.sort() });
  }
  const wanted = (l: IpLinkJson): l is IpLinkJson & { ifname: string } =>
    l.ifname !== undefined &&
    l.linkinfo?.info_kind === 'bridge' &&
    (sysctlsOf === undefined || sysctlsOf.has(l.ifname));
  const sysctls = new Map(
    await Promise.all(
      asArray(linksJson)
        .filter(wanted)
        .map(async (l) => [l.ifname, await readBridgeSysctls(l.ifname)] as const),
    ),
  );
  const links = new Map<string, LinkState>();
  for (const l of asArray(linksJson)) {
    if (l.ifname === undefined) continue;
    const kind = l.linkinfo?.info_kind ?? null;
    const flags = l.flags ?? [];
    const a = addrs.get(l.ifname) ?? { ipv4: [], ipv6: [] };
    links.set(l.ifname, {
      name: l.ifname,
      index: l.ifindex ?? -1,
      kind,
      linkType: l.link_type ?? 'unknown',
      mac: l.address ?? '',
      mtu: l.mtu ?? 0,
      maxMtu: l.max_mtu ?? l.mtu ?? 0,
      up: flags.includes('UP'),
      lowerUp: flags.includes('LOWER_UP'),
      master: l.master ?? null,
      stp: kind === 'bridge' ? (l.linkinfo?.info_data?.stp_state ?? 0) !== 0 : null,
      addrGenMode: l.inet6_addr_gen_mode ?? null,
      ipv4: a.ipv4,
      ipv6: a.ipv6,
      sysctl: sysctls.get(l.ifname) ?? null,
    });
  }
  const defaultRouteDevices = new Set<string>();
  for (const r of [...asArray(route4), ...asArray(route6)] as { dev?: string }[]) {
    if (r.dev !== undefined) defaultRouteDevices.add(r.dev);
  }
  return { links, defaultRouteDevices };
}

/** Device kinds reported as host NICs: physical devices and their stand-ins for tests. */
const NIC_KINDS: ReadonlySet<string | null> = new Set([null, 'veth', 'dummy', 'bond', 'vlan']);

/** True for a NIC as the engine sees one (not a bridge, tap, loopback or ifb). */
export function isNic(link: LinkState): boolean {
  // A segment service's veth host end is part of a network, not a NIC the host offers.
  return link.linkType === 'ether' && NIC_KINDS.has(link.kind) && !isSegmentPort(link.name);
}
