// SPDX-License-Identifier: Apache-2.0
/**
 * Out-of-band views of the host for tests (cockpit-machines' habit): what `ip -json` and
 * `virsh` say, read independently of the code under test's own report.
 */
import { run, runJson } from '../../libvirt/exec';

/** One entry of `ip -d -json addr show` (the fields tests look at). */
export interface IpLink {
  readonly ifname: string;
  readonly mtu: number;
  readonly flags: readonly string[];
  readonly address: string;
  readonly master?: string;
  readonly inet6_addr_gen_mode?: string;
  readonly linkinfo?: {
    readonly info_kind?: string;
    readonly info_data?: { readonly stp_state?: number };
  };
  readonly addr_info: readonly {
    readonly family: string;
    readonly local: string;
    readonly prefixlen: number;
    readonly scope: string;
  }[];
}

/** Every link with details and addresses (`ip -d -json link` merged with `ip -json addr`). */
export async function ipLinks(): Promise<IpLink[]> {
  const [links, addrs] = (await Promise.all([
    runJson('ip', ['-d', '-json', 'link', 'show']),
    runJson('ip', ['-json', 'addr', 'show']),
  ])) as [Omit<IpLink, 'addr_info'>[], { ifname: string; addr_info?: IpLink['addr_info'] }[]];
  const byName = new Map(addrs.map((a) => [a.ifname, a.addr_info ?? []]));
  return links.map((l) => ({ ...l, addr_info: byName.get(l.ifname) ?? [] }));
}

/** One link, or undefined when it does not exist. */
export async function ipLink(name: string): Promise<IpLink | undefined> {
  return (await ipLinks()).find((l) => l.ifname === name);
}

/** Names of the ports of a bridge. */
export async function bridgePorts(bridge: string): Promise<string[]> {
  return (await ipLinks())
    .filter((l) => l.master === bridge)
    .map((l) => l.ifname)
    .sort();
}

/** Drop what changes by itself (bridge timers, address lifetimes) from iproute2 JSON. */
function stripVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !k.endsWith('_timer') && !k.endsWith('_life_time'))
      .map(([k, v]) => [k, stripVolatile(v)]),
  );
}

/**
 * A comparable picture of the host's links and addresses: `ip -d -json link` and
 * `ip -json addr`, minus only the fields that change on their own (bridge timers, address
 * lifetimes). Two pictures are equal only if nothing was changed.
 *
 * `include` narrows the picture to some devices, by name and kind (`linkinfo.info_kind`, null
 * for physical NICs and loopback): other test runs on the same machine create and remove their
 * own bridges and taps at the same time, and those must not make this run's comparison fail.
 */
export async function hostPicture(
  include: (ifname: string, kind: string | null) => boolean = () => true,
): Promise<{ link: unknown; addr: unknown }> {
  const [link, addr] = (await Promise.all([
    runJson('ip', ['-d', '-json', 'link', 'show']),
    runJson('ip', ['-json', 'addr', 'show']),
  ])) as [{ ifname: string; linkinfo?: { info_kind?: string } }[], { ifname: string }[]];
  const kinds = new Map(link.map((l) => [l.ifname, l.linkinfo?.info_kind ?? null]));
  const keep = (name: string): boolean => include(name, kinds.get(name) ?? null);
  return {
    link: stripVolatile(link.filter((l) => keep(l.ifname))),
    addr: stripVolatile(addr.filter((a) => keep(a.ifname))),
  };
}

/** `virsh dumpxml` of a domain. */
export async function virshDumpxml(domain: string, uri = 'qemu:///system'): Promise<string> {
  return (await run('virsh', ['-c', uri, 'dumpxml', domain])).stdout;
}

/** `virsh domstate` of a domain, or 'missing'. */
export async function virshState(domain: string, uri = 'qemu:///system'): Promise<string> {
  try {
    return (await run('virsh', ['-c', uri, 'domstate', domain])).stdout.trim();
  } catch {
    return 'missing';
  }
}

/** The host's primary IPv4 address (the one on the default-route device). */
export async function hostPrimaryIpv4(): Promise<string> {
  const routes = (await runJson('ip', ['-4', '-json', 'route', 'show', 'default'])) as {
    dev: string;
  }[];
  const dev = routes[0]?.dev;
  const link = dev === undefined ? undefined : await ipLink(dev);
  const addr = link?.addr_info.find((a) => a.family === 'inet');
  if (addr === undefined) throw new Error('the host has no primary IPv4 address');
  return addr.local;
}

/** Every IPv6 address of the host, on every link (link-local included), with its device. */
export async function hostIpv6Addresses(): Promise<
  { dev: string; address: string; scope: string }[]
> {
  return (await ipLinks()).flatMap((l) =>
    l.addr_info
      .filter((a) => a.family === 'inet6')
      .map((a) => ({ dev: l.ifname, address: a.local, scope: a.scope })),
  );
}

/** The EUI-64 link-local address a NIC with this MAC gets (RFC 4291 appendix A). */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(':').map((x) => Number.parseInt(x, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = b;
  const hex = (hi: number, lo: number): string => ((hi << 8) | lo).toString(16);
  return `fe80::${hex(b0 ^ 2, b1)}:${hex(b2, 0xff)}:${hex(0xfe, b3)}:${hex(b4, b5)}`;
}
