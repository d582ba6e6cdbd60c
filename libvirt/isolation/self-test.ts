// SPDX-License-Identifier: Apache-2.0
/**
 * The isolation self-test of a network (issue 13 item 7), seen from the segment, not from the
 * host: two probes — each its own network namespace joined to the bridge by a veth pair, like
 * the segment service (libvirt/segment/) — ask the host over every way a guest could:
 *
 * - B1 IPv4: ARP + ICMP echo to every IPv4 address of the host (any interface); the probes
 *   must reach each other (control), the host must answer nothing.
 * - B1 IPv6: echo to all-nodes `ff02::1` (every IPv6 node on the link answers it) and to every
 *   IPv6 address of the host, link-local ones scoped to the segment; only the other probe
 *   (and guests) may answer, never an address or MAC of the host.
 * - B2 MTU: an echo whose IP packet is exactly the network MTU (payload MTU − 28) between the
 *   two probes, whose veths carry the network MTU: it fits the sender's device, so it leaves as
 *   one frame with DF set (the kernel's default path-MTU discovery), and a bridge never
 *   fragments — an answer proves full-size frames cross the segment unfragmented.
 *
 * The probes are always torn down, also on failure; their names derive from the bridge name
 * alone, so a probe left by a crash is removed by the next test of that network. Probe ports
 * use the segment service's port names (libvirt/segment/names.ts), so the network layer
 * treats them as it treats the service's veth: neither a NIC nor drift while the test runs.
 * Pings use busybox (a product dependency; iputils is not installed on the appliance).
 */
import { createHash, randomInt } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run, runJson } from '../exec';
import type { IsolationCheck, IsolationTestReport } from '../host-agent';
import { hostPortOf } from '../segment/names';

/** IPv6's minimum link MTU: below it no node on the segment runs IPv6. */
const IPV6_MIN_MTU = 1280;
/** Interface name inside a probe namespace. */
const PROBE_IFACE = 'probe0';

interface Probe {
  readonly ns: string;
  readonly port: string;
  readonly ipv4: string;
}

/** The part of a probe namespace's name that says which bridge it is on. */
const probeTag = (bridge: string): string =>
  createHash('sha256').update(bridge).digest('hex').slice(0, 8);

/** Probe `which` of `bridge`: deterministic names, so leftovers can always be found. */
function probeOf(bridge: string, which: 'a' | 'b', ipv4: string): Probe {
  return {
    ns: `aio-probe-${probeTag(bridge)}-${which}`,
    // `aios…` (segment port pattern) from a key no segment service uses.
    port: hostPortOf(`${bridge}\u0000probe-${which}`),
    ipv4,
  };
}

async function exists(args: string[]): Promise<boolean> {
  try {
    await run('ip', args);
    return true;
  } catch {
    return false;
  }
}

/** Remove a probe; whatever is already gone is skipped. Returns what failed. */
async function teardownProbe(p: Probe): Promise<string[]> {
  const problems: string[] = [];
  try {
    if (await exists(['link', 'show', 'dev', p.port]))
      await run('ip', ['link', 'del', 'dev', p.port]);
  } catch (e) {
    problems.push(`delete ${p.port}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const list = (await runJson('ip', ['-json', 'netns', 'list'])) as { name?: string }[] | null;
    if ((list ?? []).some((x) => x.name === p.ns)) await run('ip', ['netns', 'del', p.ns]);
  } catch (e) {
    problems.push(`delete namespace ${p.ns}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return problems;
}

/** Where `ip netns` keeps its namespaces (one file each, created with the namespace). */
const NETNS_DIR = '/run/netns';
/** A test takes seconds; a probe namespace this old belongs to a run that died (kill -9). */
const STALE_PROBE_MS = 5 * 60_000;

/**
 * Remove probe namespaces left by runs that died mid-test, on any network (their veths go
 * with them). Only old ones (a namespace file's time is its creation): a test running in
 * another process right now is never touched. `now` is a test seam.
 */
export async function sweepStaleProbes(now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(NETNS_DIR);
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.startsWith('aio-probe-'))) {
    try {
      const { mtimeMs } = await stat(`${NETNS_DIR}/${name}`);
      if (now - mtimeMs > STALE_PROBE_MS) await run('ip', ['netns', 'del', name]);
    } catch {
      // Gone meanwhile, or not removable now: the next test tries again.
    }
  }
}

/**
 * Remove the probes of these bridges whatever their age (their veths go with the namespaces):
 * at host agent start, when no test of this agent can be running, so a test killed with its
 * engine leaves nothing behind even when its network is removed before the next test. One
 * directory read; an `ip` fork only per leftover.
 */
export async function removeProbesOf(bridges: Iterable<string>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(NETNS_DIR);
  } catch {
    return;
  }
  const tags = new Set([...bridges].map(probeTag));
  for (const name of names) {
    const m = /^aio-probe-([0-9a-f]{8})-[ab]$/.exec(name);
    if (!m?.[1] || !tags.has(m[1])) continue;
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
  }
}

/** Build a probe on `bridge`; the host end gets no address of any kind before it is up. */
async function buildProbe(p: Probe, bridge: string, mtu: number): Promise<void> {
  await run('ip', ['netns', 'add', p.ns]);
  const m = String(mtu);
  await run('ip', [
    'link', 'add', 'name', p.port, 'mtu', m, 'type', 'veth',
    'peer', 'name', PROBE_IFACE, 'mtu', m, 'netns', p.ns,
  ]); // prettier-ignore
  if (mtu >= IPV6_MIN_MTU) {
    await run('ip', ['link', 'set', 'dev', p.port, 'addrgenmode', 'none']);
    await run('sysctl', ['-q', '-w', `net.ipv6.conf.${p.port}.disable_ipv6=1`]);
  }
  const inNs = (...args: string[]): Promise<unknown> => run('ip', ['-n', p.ns, ...args]);
  if (mtu >= IPV6_MIN_MTU) {
    // The probe itself speaks IPv6 (to ask ff02::1), without waiting for DAD.
    await run('ip', [
      'netns', 'exec', p.ns, 'sysctl', '-q', '-w',
      `net.ipv6.conf.${PROBE_IFACE}.accept_dad=0`,
      `net.ipv6.conf.${PROBE_IFACE}.disable_ipv6=0`,
    ]); // prettier-ignore
  }
  await inNs('link', 'set', 'dev', 'lo', 'up');
  await inNs('addr', 'add', `${p.ipv4}/16`, 'dev', PROBE_IFACE);
  await inNs('link', 'set', 'dev', PROBE_IFACE, 'up');
  // Every destination goes straight out on the segment (ARP for it there): a host address
  // answers only if the host answers on this bridge.
  await inNs('route', 'add', 'default', 'dev', PROBE_IFACE);
  await inNs('-6', 'route', 'add', 'default', 'dev', PROBE_IFACE).catch(() => undefined);
  await run('ip', ['link', 'set', 'dev', p.port, 'master', bridge]);
  await run('ip', ['link', 'set', 'dev', p.port, 'up']);
}

/** Source addresses of the echo replies a busybox ping printed. */
export function repliesFrom(stdout: string): string[] {
  const out = new Set<string>();
  // `64 bytes from fe80::1: seq=0 …` (an address may carry a `%scope`).
  for (const m of stdout.matchAll(/bytes from (\S+?): seq=/g))
    if (m[1] !== undefined) out.add((m[1].split('%')[0] ?? '').toLowerCase());
  return [...out];
}

/** Ping from a probe; returns who answered (never throws for "no answer"). */
async function ping(
  p: Probe,
  target: string,
  opts: { v6?: boolean; size?: number; count?: number } = {},
): Promise<string[]> {
  const args = ['netns', 'exec', p.ns, 'busybox', 'ping'];
  if (opts.v6 === true) args.push('-6', '-I', PROBE_IFACE);
  args.push('-c', String(opts.count ?? 1), '-W', '1');
  args.push('-w', String((opts.count ?? 1) + 1));
  if (opts.size !== undefined) args.push('-s', String(opts.size));
  args.push(target);
  try {
    const { stdout } = await run('ip', args, { timeoutMs: 10_000 });
    return repliesFrom(stdout);
  } catch (e) {
    // busybox ping exits 1 when nobody answered; what it printed still counts.
    return e instanceof HostError ? repliesFrom(e.detail) : [];
  }
}

interface HostAddresses {
  readonly ipv4: string[];
  readonly ipv6: string[];
  /** Link-local IPv6 addresses of the host (any interface). */
  readonly linkLocal6: string[];
  readonly macs: Set<string>;
}

/** Every address and MAC of the host's own network namespace (what must never answer). */
async function hostAddresses(excludePorts: readonly string[]): Promise<HostAddresses> {
  const list = (await runJson('ip', ['-json', 'addr', 'show'])) as {
    ifname?: string;
    address?: string;
    addr_info?: { family?: string; local?: string; scope?: string }[];
  }[];
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  const linkLocal6: string[] = [];
  const macs = new Set<string>();
  for (const l of list) {
    if (l.ifname !== undefined && excludePorts.includes(l.ifname)) continue;
    if (l.address !== undefined && l.address !== '00:00:00:00:00:00')
      macs.add(l.address.toLowerCase());
    for (const a of l.addr_info ?? []) {
      if (a.local === undefined || a.scope === 'host') continue;
      if (a.family === 'inet') ipv4.push(a.local);
      else if (a.family === 'inet6')
        (a.local.toLowerCase().startsWith('fe80:') ? linkLocal6 : ipv6).push(a.local.toLowerCase());
    }
  }
  return { ipv4, ipv6, linkLocal6, macs };
}

/** MACs the probe learned for `addresses` (neighbour tables: who really answered). */
async function neighbourMacs(p: Probe): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const family of ['-4', '-6']) {
    const list = (await runJson('ip', ['-n', p.ns, family, '-json', 'neigh', 'show'])) as {
      dst?: string;
      lladdr?: string;
    }[];
    for (const n of list ?? [])
      if (n.dst !== undefined && n.lladdr !== undefined)
        out.set(n.dst.toLowerCase(), n.lladdr.toLowerCase());
  }
  return out;
}

async function linkLocalOf(p: Probe): Promise<string | null> {
  const list = (await runJson('ip', [
    '-n',
    p.ns,
    '-6',
    '-json',
    'addr',
    'show',
    'dev',
    PROBE_IFACE,
  ])) as {
    addr_info?: { local?: string; scope?: string }[];
  }[];
  return list[0]?.addr_info?.find((a) => a.scope === 'link')?.local?.toLowerCase() ?? null;
}

/**
 * Run the self-test on `bridge` (an isolated network's bridge, up) with the network's MTU.
 * @throws HostError HOST_NETWORK_INVALID when the bridge does not exist; HOST_COMMAND_FAILED
 *   when the probes cannot be built (they are removed again before throwing)
 */
export async function isolationSelfTest(bridge: string, mtu: number): Promise<IsolationTestReport> {
  if (!(await exists(['link', 'show', 'dev', bridge]))) {
    throw new HostError(HostErrorCode.HOST_NETWORK_INVALID, `${bridge}: the bridge does not exist`);
  }
  // Link-local IPv4 for the probes: outside any range a lab is likely to use, random per run.
  const net = randomInt(1, 254);
  const a = probeOf(bridge, 'a', `169.254.${net}.1`);
  const b = probeOf(bridge, 'b', `169.254.${net}.2`);
  const startedAt = new Date().toISOString();
  const checks: IsolationCheck[] = [];
  const add = (name: string, passed: boolean, detail: string): void => {
    checks.push({ name, passed, detail });
  };
  // A probe of a crashed earlier run goes first.
  await sweepStaleProbes();
  await teardownProbe(a);
  await teardownProbe(b);
  try {
    try {
      await buildProbe(a, bridge, mtu);
      await buildProbe(b, bridge, mtu);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new HostError(
        HostErrorCode.HOST_COMMAND_FAILED,
        `cannot attach the probes: ${detail}`,
        detail,
        {
          cause: e,
        },
      );
    }
    const host = await hostAddresses([a.port, b.port]);
    const hostSet = new Set([...host.ipv4, ...host.ipv6, ...host.linkLocal6]);

    // ── B1, IPv4 ──
    const peer4 = await ping(a, b.ipv4, { count: 2 });
    add(
      'segment-ipv4',
      peer4.includes(b.ipv4),
      peer4.includes(b.ipv4)
        ? `probe ${a.ipv4} reached probe ${b.ipv4} over the segment`
        : `probe ${a.ipv4} could not reach probe ${b.ipv4}: the segment itself does not carry IPv4`,
    );
    const answered4: string[] = [];
    for (const addr of host.ipv4) if ((await ping(a, addr)).length > 0) answered4.push(addr);
    // An ARP answer alone is already the host answering (the echo may still be dropped).
    const arp = await neighbourMacs(a);
    for (const addr of host.ipv4)
      if (arp.has(addr) && !answered4.includes(addr)) answered4.push(`${addr} (ARP)`);
    add(
      'host-ipv4',
      answered4.length === 0,
      answered4.length === 0
        ? `no answer (ARP or ICMP) from any of the host's ${host.ipv4.length} IPv4 address(es): ${host.ipv4.join(', ') || 'none'}`
        : `the host answered on ${answered4.join(', ')}`,
    );

    // ── B1, IPv6 ──
    if (mtu < IPV6_MIN_MTU) {
      const why = `MTU ${mtu} is below 1280: no node (host or guest) runs IPv6 on this segment`;
      add('segment-ipv6', true, why);
      add('host-ipv6-all-nodes', true, why);
      add('host-ipv6', true, why);
    } else {
      const peer6 = await linkLocalOf(b);
      const all = await ping(a, 'ff02::1', { v6: true, count: 2 });
      const macs = await neighbourMacs(a);
      const fromHost = all.filter((s) => hostSet.has(s) || host.macs.has(macs.get(s) ?? '-'));
      // The sender hears its own multicast echo too.
      const self6 = await linkLocalOf(a);
      const others = all.filter((s) => s !== peer6 && s !== self6 && !fromHost.includes(s));
      add(
        'segment-ipv6',
        peer6 !== null && all.includes(peer6),
        peer6 !== null && all.includes(peer6)
          ? `probe ${b.ns} answered all-nodes ff02::1 from ${peer6}`
          : 'the other probe did not answer ff02::1: the segment itself does not carry IPv6',
      );
      add(
        'host-ipv6-all-nodes',
        fromHost.length === 0,
        fromHost.length === 0
          ? `no answer from the host to all-nodes ff02::1${others.length > 0 ? ` (guests answered: ${others.join(', ')})` : ''}`
          : `the host answered ff02::1 from ${fromHost.join(', ')}`,
      );
      const answered6: string[] = [];
      for (const addr of host.ipv6)
        if ((await ping(a, addr, { v6: true })).length > 0) answered6.push(addr);
      for (const addr of host.linkLocal6)
        if ((await ping(a, `${addr}%${PROBE_IFACE}`, { v6: true })).length > 0)
          answered6.push(addr);
      // A neighbour-discovery answer alone is already the host answering.
      const nd = await neighbourMacs(a);
      for (const addr of [...host.ipv6, ...host.linkLocal6])
        if (nd.has(addr) && !answered6.includes(addr))
          answered6.push(`${addr} (neighbour discovery)`);
      const total = host.ipv6.length + host.linkLocal6.length;
      add(
        'host-ipv6',
        answered6.length === 0,
        answered6.length === 0
          ? `no answer from any of the host's ${total} IPv6 address(es), link-local ones included`
          : `the host answered on ${answered6.join(', ')}`,
      );
    }

    // ── B2, MTU ──
    const size = mtu - 28; // IPv4 header 20 + ICMP header 8: the IP packet is exactly the MTU
    const full = await ping(a, b.ipv4, { size, count: 2 });
    add(
      'mtu',
      full.includes(b.ipv4),
      full.includes(b.ipv4)
        ? `${mtu}-byte packets (${size}-byte payload) crossed the segment unfragmented, both ways`
        : `${mtu}-byte packets (${size}-byte payload) did not cross the segment`,
    );
    return {
      network: bridge,
      mtu,
      startedAt,
      finishedAt: new Date().toISOString(),
      passed: checks.every((c) => c.passed),
      checks,
    };
  } finally {
    const problems = [...(await teardownProbe(a)), ...(await teardownProbe(b))];
    if (problems.length > 0) console.warn(`isolation test ${bridge}: ${problems.join('; ')}`);
  }
}
