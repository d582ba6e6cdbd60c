// SPDX-License-Identifier: Apache-2.0
/**
 * What the kernel says about the host's links, read through iproute2's `-json` output and a
 * few per-device sysctls. Everything the network layer decides is decided against these facts.
 *
 * @see https://man7.org/linux/man-pages/man8/ip-link.8.html
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run, runJson } from '../exec';
import { isSegmentPort } from '../segment/names';
import type { IpSession } from './ip-session';

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

/** Bridge → its ports, sorted, per fact snapshot (built once: see {@link portsOf}). */
const portIndex = new WeakMap<ReadonlyMap<string, LinkState>, Map<string, string[]>>();

/**
 * Ports of a bridge, sorted, from a fact snapshot. The snapshot's links are indexed by master
 * on first use: a report of every bridge was O(bridges × links) (~0.25 s with 1000 networks).
 */
export function portsOf(facts: HostNetFacts, bridge: string): string[] {
  let index = portIndex.get(facts.links);
  if (index === undefined) {
    index = new Map();
    for (const l of facts.links.values()) {
      if (l.master === null) continue;
      const ports = index.get(l.master) ?? [];
      ports.push(l.name);
      index.set(l.master, ports);
    }
    for (const ports of index.values()) ports.sort();
    portIndex.set(facts.links, index);
  }
  return [...(index.get(bridge) ?? [])];
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
  linkinfo?: { info_kind?: string; info_data?: { stp_state?: number } };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

function asArray(value: unknown): IpLinkJson[] {
  return Array.isArray(value) ? (value as IpLinkJson[]) : [];
}

/**
 * A number from /proc. Read synchronously: a procfs read is a few microseconds, while an async
 * readFile costs four thread-pool round trips (open, fstat, read, close) — with four of these
 * per bridge per fact read, that was a visible share of a deploy's CPU (bench 2b).
 */
function readSysctlNumberNow(path: string): number {
  try {
    return Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  } catch {
    return -1;
  }
}

async function readSysctlNumber(path: string): Promise<number> {
  return Promise.resolve(readSysctlNumberNow(path));
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

/** The kernel's `addr_gen_mode` values (include/uapi/linux/if_link.h, IN6_ADDR_GEN_MODE_*). */
const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];

/**
 * A device's IPv6 address generation mode, as `ip -d link` prints it, from /proc (the same
 * number the kernel reports over netlink); null when the device has no IPv6 (MTU below 1280,
 * or gone).
 */
export async function readAddrGenMode(dev: string): Promise<string | null> {
  const n = await readSysctlNumber(`/proc/sys/net/ipv6/conf/${dev}/addr_gen_mode`);
  return ADDR_GEN_MODES[n] ?? null;
}

/** Per-bridge details read from /proc beside iproute2's answer. */
interface BridgeProc {
  readonly sysctl: BridgeSysctls;
  readonly addrGenMode: string | null;
}

/**
 * Devices carrying a default route, from /proc/net/route and /proc/net/ipv6_route (main table
 * routes, as `ip route show default` lists them): two file reads instead of two `ip` forks.
 */
export async function readDefaultRouteDevices(): Promise<Set<string>> {
  // Synchronous for the same reason as readSysctlNumberNow.
  const procText = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const [v4, v6] = await Promise.resolve([
    procText('/proc/net/route'),
    procText('/proc/net/ipv6_route'),
  ]);
  const out = new Set<string>();
  for (const line of v4.split('\n').slice(1)) {
    const [dev, dest, , flags, , , , mask] = line.trim().split(/\s+/);
    if (dev === undefined || dest !== '00000000' || mask !== '00000000') continue;
    // RTF_UP (0x1) set, RTF_REJECT (0x200) not: a usable route.
    const f = Number.parseInt(flags ?? '0', 16);
    if ((f & 0x1) !== 0 && (f & 0x200) === 0) out.add(dev);
  }
  for (const line of v6.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const [dest, prefix] = cols;
    const flags = Number.parseInt(cols[8] ?? '0', 16);
    const dev = cols[9];
    if (dest !== '0'.repeat(32) || prefix !== '00' || dev === undefined || dev === 'lo') continue;
    if ((flags & 0x1) !== 0 && (flags & 0x200) === 0) out.add(dev);
  }
  return out;
}

/**
 * Turn `ip -d -json addr show` entries (link details and addresses in one answer) into facts.
 * Bridges in `procOf` (all bridges when omitted) get their sysctls and address generation mode.
 */
async function factsFromIp(
  entries: readonly IpLinkJson[],
  defaultRouteDevices: ReadonlySet<string>,
  procOf?: ReadonlySet<string>,
): Promise<HostNetFacts> {
  const wanted = (l: IpLinkJson): l is IpLinkJson & { ifname: string } =>
    l.ifname !== undefined &&
    l.linkinfo?.info_kind === 'bridge' &&
    (procOf === undefined || procOf.has(l.ifname));
  const proc = new Map<string, BridgeProc>(
    await Promise.all(
      entries.filter(wanted).map(async (l) => {
        const [sysctl, addrGenMode] = await Promise.all([
          readBridgeSysctls(l.ifname),
          readAddrGenMode(l.ifname),
        ]);
        return [l.ifname, { sysctl, addrGenMode }] as const;
      }),
    ),
  );
  const links = new Map<string, LinkState>();
  for (const l of entries) {
    if (l.ifname === undefined) continue;
    const kind = l.linkinfo?.info_kind ?? null;
    const flags = l.flags ?? [];
    const ipv4: string[] = [];
    const ipv6: string[] = [];
    for (const a of l.addr_info ?? []) {
      if (a.local === undefined || a.prefixlen === undefined) continue;
      const cidr = `${a.local}/${a.prefixlen}`;
      if (a.family === 'inet') ipv4.push(cidr);
      else if (a.family === 'inet6') ipv6.push(cidr);
    }
    const p = proc.get(l.ifname);
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
      addrGenMode: p?.addrGenMode ?? null,
      ipv4: ipv4.sort(),
      ipv6: ipv6.sort(),
      sysctl: p?.sysctl ?? null,
    });
  }
  return { links, defaultRouteDevices };
}

/**
 * Read every link with its addresses, bridge details and default routes: one `ip` fork
 * (`-d addr show` carries link details and addresses together) plus /proc reads.
 *
 * Bridge sysctls cost three /proc reads per bridge; with hundreds of networks on the host,
 * reading them all on every setupNetworks made each deploy O(networks) (bench: 0.2 s per
 * network at 10, 1.4 s at 160). Callers that know which bridges they care about pass
 * `sysctlsOf`; other bridges then carry `sysctl: null` and `addrGenMode: null`.
 * @param sysctlsOf bridges whose sysctls to read; all bridges when omitted
 * @throws HostError HOST_COMMAND_FAILED when iproute2 fails
 */
export async function readHostFacts(sysctlsOf?: ReadonlySet<string>): Promise<HostNetFacts> {
  const [json, routes] = await Promise.all([
    runJson('ip', ['-d', '-json', 'addr', 'show']),
    readDefaultRouteDevices(),
  ]);
  return factsFromIp(asArray(json), routes, sysctlsOf);
}

/** Device names safe to put on an `ip -batch` line (the kernel's rules, minus quoting). */
const BATCH_SAFE = /^[A-Za-z0-9._@+-]{1,15}$/;

/**
 * Facts of `devices` and of the ports of those that are bridges — only these, so a read-back
 * costs the same with ten networks on the host as with a thousand: existence and ports from
 * sysfs, then one `ip -batch` fork for their links and addresses. Devices that do not exist are
 * absent from the result, as in {@link readHostFacts}. Bridges among `devices` get their
 * sysctls. Falls back to {@link readHostFacts} when a device vanishes in between. With
 * `session` the read goes down that iproute2 process instead of a fork of its own.
 * @throws HostError HOST_COMMAND_FAILED when iproute2 fails
 */
export async function readDeviceFacts(
  devices: Iterable<string>,
  session?: IpSession,
): Promise<HostNetFacts> {
  const named = new Set(devices);
  const all = new Set<string>();
  for (const dev of named) {
    if (!BATCH_SAFE.test(dev)) return readHostFacts(named);
    if (!existsSync(`/sys/class/net/${dev}`)) continue;
    all.add(dev);
    let ports: string[] = [];
    try {
      ports = readdirSync(`/sys/class/net/${dev}/brif`);
    } catch {
      // not a bridge
    }
    for (const port of ports) {
      if (!BATCH_SAFE.test(port)) return readHostFacts(named);
      all.add(port);
    }
  }
  const routes = await readDefaultRouteDevices();
  if (all.size === 0) return { links: new Map(), defaultRouteDevices: routes };
  let stdout: string;
  try {
    if (session) {
      // The request's own iproute2 process (ip-session.ts): no fork.
      stdout = (await session.show([...all].map((d) => ['addr', 'show', 'dev', d]))).join('\n');
    } else {
      ({ stdout } = await run('ip', ['-d', '-json', '-batch', '-'], {
        input: [...all].map((d) => `addr show dev ${d}\n`).join(''),
      }));
    }
  } catch {
    // A device went away between the sysfs check and the read: read everything instead.
    return readHostFacts(named);
  }
  let entries: IpLinkJson[];
  try {
    // One JSON array per batch line.
    entries = stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => asArray(JSON.parse(line) as unknown));
  } catch (cause) {
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      'ip -batch addr show: output is not JSON',
      stdout.slice(0, 500),
      { cause },
    );
  }
  return factsFromIp(entries, routes, named);
}

/** Device kinds reported as host NICs: physical devices and their stand-ins for tests. */
const NIC_KINDS: ReadonlySet<string | null> = new Set([null, 'veth', 'dummy', 'bond', 'vlan']);

/** True for a NIC as the engine sees one (not a bridge, tap, loopback or ifb). */
export function isNic(link: LinkState): boolean {
  // A segment service's veth host end is part of a network, not a NIC the host offers.
  return link.linkType === 'ether' && NIC_KINDS.has(link.kind) && !isSegmentPort(link.name);
}
