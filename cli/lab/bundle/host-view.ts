// SPDX-License-Identifier: Apache-2.0
/**
 * What the machine the CLI runs on shows, for the import's clash check when the target
 * engine is local: its network devices (another engine's bridges and taps are there too,
 * since each engine only records the bridges it made), its IPv4 routes, and the subnets of
 * every lab segment service (`aio-seg-<bridge>` namespaces: an isolated network's DHCP/DNS
 * runs there, so its subnet shows in no host route). Read with `ip -json` (argument arrays,
 * no shell). A remote engine's host is not visible from here: the engine's own checks
 * (a network name used by a host device is refused) and the import's compensation cover it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface HostView {
  readonly devices: ReadonlySet<string>;
  readonly subnets: readonly { readonly cidr: string; readonly source: string }[];
  /**
   * Guest MACs behind the host's taps: libvirt gives a tap the guest's MAC with the first
   * octet set to 0xfe (so a bridge never takes the guest's address), hence the last five
   * octets identify the guest's.
   */
  readonly tapMacTails: ReadonlySet<string>;
}

interface IpLink {
  ifname?: string;
  address?: string;
  linkinfo?: { info_kind?: string };
}
interface IpRoute {
  dst?: string;
  dev?: string;
  type?: string;
  table?: string;
}
interface IpAddr {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

async function ipJson(args: readonly string[]): Promise<unknown[]> {
  const { stdout } = await run('ip', ['-json', ...args], { maxBuffer: 64 * 1024 * 1024 });
  const text = stdout.trim();
  return text === '' ? [] : (JSON.parse(text) as unknown[]);
}

/** `10.1.2.3/24` → `10.1.2.0/24`; a bare address is a /32. */
function networkOf(addr: string, prefix?: number): string {
  const [ip = '', p] = addr.split('/');
  const len = prefix ?? (p === undefined ? 32 : Number(p));
  const n = ip.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const base = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => String((base >>> s) & 255)).join('.')}/${len}`;
}

/** Last five octets of a MAC (`1a:4a:16:00:00`). */
export function macTail(mac: string): string {
  return mac.toLowerCase().split(':').slice(1).join(':');
}

const SEGMENT_NS = 'aio-seg-';

/** Reads this machine's devices, routes and lab segments. */
export async function readHostView(): Promise<HostView> {
  const links = (await ipJson(['link', 'show'])) as IpLink[];
  const devices = new Set<string>();
  const tapMacTails = new Set<string>();
  for (const l of links) {
    if (l.ifname === undefined) continue;
    devices.add(l.ifname.split('@')[0] ?? l.ifname);
    if (l.linkinfo?.info_kind === 'tun' && l.address !== undefined && l.address.startsWith('fe:'))
      tapMacTails.add(macTail(l.address));
  }
  const subnets: { cidr: string; source: string }[] = [];
  const routes = (await ipJson(['-4', 'route', 'show', 'table', 'all'])) as IpRoute[];
  for (const r of routes) {
    if (r.dst === undefined || r.dst === 'default') continue;
    if (r.type === 'broadcast' || r.dst.startsWith('127.')) continue;
    subnets.push({
      cidr: networkOf(r.dst),
      source: `host route to ${r.dst}${r.dev !== undefined ? ` on ${r.dev}` : ''}`,
    });
  }
  const namespaces = (await ipJson(['netns', 'list']).catch(() => [])) as { name?: string }[];
  for (const ns of namespaces) {
    if (ns.name === undefined || !ns.name.startsWith(SEGMENT_NS)) continue;
    const bridge = ns.name.slice(SEGMENT_NS.length);
    // The bridge name counts as taken even if the bridge itself is momentarily absent.
    devices.add(bridge);
    const addrs = (await ipJson(['-n', ns.name, '-4', 'addr', 'show']).catch(() => [])) as IpAddr[];
    for (const a of addrs) {
      for (const i of a.addr_info ?? []) {
        if (i.local === undefined || i.local.startsWith('127.')) continue;
        subnets.push({
          cidr: networkOf(i.local, i.prefixlen),
          source: `lab segment of bridge ${bridge} on this host`,
        });
      }
    }
  }
  return { devices, subnets, tapMacTails };
}

/** True when the engine URL points at this machine (its host is then the one read here). */
export function isLocalEngine(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host) || host.startsWith('127.');
  } catch {
    return false;
  }
}
