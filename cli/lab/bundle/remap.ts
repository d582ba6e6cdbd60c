// SPDX-License-Identifier: Apache-2.0
/**
 * The clash check of `aio lab import` (pure: no I/O, unit-tested as a table). Given the lab a
 * bundle carries and what the target already has — the engine's lab, network and VM names
 * and address plans, and the host's devices, routes and other labs' segments — it returns
 * the lab with every clashing name and subnet replaced, and one {@link Change} per
 * replacement saying why, for the user and for `--output json`.
 *
 * - Lab name: taken → `name-2`, `name-3`… (or the `--name` the user gave, which must be free).
 * - Network name = bridge name on the host (≤ 15 characters): taken by an engine network or
 *   by any host device (another engine's bridge on the same machine is such a device; the
 *   target engine itself would refuse it with NETWORK_NAME_USED_BY_HOST_DEVICE) → the name
 *   cut short plus a number. A new name keeps the old one's start, so test prefixes survive.
 * - Subnet: a network's address plan, or on a network without one the subnets its static
 *   addresses imply, overlapping a host route, another lab's segment or an engine address
 *   plan → the first free block of the same size in 10/8, then 172.16/12, then 192.168/16;
 *   gateway, DHCP range, DNS servers and every static address keep their host part.
 * - VM names: taken in the engine → `name-2`…; `depends_on` follows.
 */
import { intToIpv4, ipv4ToInt, splitCidr } from '../ipv4';
import type { Lab, LabAddressPlan, LabNetwork, LabVm } from '../model';

/** What the target already has (names compared as given; subnets as CIDRs with a source). */
export interface Taken {
  readonly labNames: ReadonlySet<string>;
  readonly networkNames: ReadonlySet<string>;
  /** Device names on the host (links, and bridges known from other labs' segments). */
  readonly hostDevices: ReadonlySet<string>;
  readonly vmNames: ReadonlySet<string>;
  readonly subnets: readonly { readonly cidr: string; readonly source: string }[];
}

export type ChangeKind = 'lab' | 'network' | 'subnet' | 'vm' | 'address' | 'mac';

export interface Change {
  readonly kind: ChangeKind;
  /** Where: the network or VM (after renaming) the change belongs to. */
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface Remapped {
  readonly lab: Lab;
  readonly changes: readonly Change[];
}

/** The lab name the user asked for is already taken (nothing is renamed behind their back). */
export class NameTaken extends Error {}

interface Block {
  readonly base: number;
  readonly prefix: number;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function blockOf(cidr: string): Block {
  const { ip, prefix } = splitCidr(cidr);
  return { base: (ipv4ToInt(ip) & maskOf(prefix)) >>> 0, prefix };
}

function cidrOf(b: Block): string {
  return `${intToIpv4(b.base)}/${b.prefix}`;
}

function sizeOf(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when the two blocks share any address. */
export function overlaps(a: string, b: string): boolean {
  const x = blockOf(a);
  const y = blockOf(b);
  return x.base < y.base + sizeOf(y.prefix) && y.base < x.base + sizeOf(x.prefix);
}

/** Subnets a network uses: its address plan, else the blocks its VMs' static addresses imply. */
export function subnetsOf(network: LabNetwork, vms: readonly LabVm[]): string[] {
  if (network.addressPlan !== null) return [cidrOf(blockOf(network.addressPlan.cidr))];
  const out = new Set<string>();
  for (const vm of vms) {
    for (const nic of vm.nics) {
      if (nic.network !== network.name || nic.address === null) continue;
      const prefix = maskToPrefix(nic.address.netmask);
      out.add(cidrOf(blockOf(`${nic.address.ip}/${prefix}`)));
    }
  }
  return [...out];
}

function maskToPrefix(netmask: string): number {
  const m = ipv4ToInt(netmask);
  let n = 0;
  while (n < 32 && ((m << n) & 0x80000000) !== 0) n++;
  return n;
}

const POOLS: readonly Block[] = [
  { base: ipv4ToInt('10.0.0.0'), prefix: 8 },
  { base: ipv4ToInt('172.16.0.0'), prefix: 12 },
  { base: ipv4ToInt('192.168.0.0'), prefix: 16 },
];

/** First block of `prefix` in the private pools overlapping none of `busy`, or null. */
export function freeBlock(prefix: number, busy: readonly string[]): string | null {
  for (const pool of POOLS) {
    if (prefix < pool.prefix) continue;
    const step = sizeOf(prefix);
    for (let base = pool.base; base < pool.base + sizeOf(pool.prefix); base += step) {
      const cidr = `${intToIpv4(base)}/${prefix}`;
      if (!busy.some((b) => overlaps(cidr, b))) return cidr;
    }
  }
  return null;
}

/** `ip` moved from block `from` to block `to`, keeping its host part. */
export function translate(ip: string, from: string, to: string): string {
  const f = blockOf(from);
  const t = blockOf(to);
  const mask = maskOf(f.prefix);
  if ((ipv4ToInt(ip) & mask) >>> 0 !== f.base) return ip;
  return intToIpv4((t.base | (ipv4ToInt(ip) & ~mask)) >>> 0);
}

/** `base`, else `base` cut short + `suffix` + n, the first that `free` accepts. */
function freeName(base: string, max: number, sep: string, free: (n: string) => boolean): string {
  if (free(base)) return base;
  for (let n = 2; n < 10000; n++) {
    const suffix = `${sep}${n}`;
    const candidate = base.slice(0, max - suffix.length) + suffix;
    if (free(candidate)) return candidate;
  }
  throw new NameTaken(`no free name near "${base}"`);
}

/** Remaps `lab` so nothing in it clashes with `taken`; `name` is the lab name asked for. */
export function remapLab(lab: Lab, taken: Taken, name?: string): Remapped {
  const changes: Change[] = [];

  // Lab name.
  let labName = lab.name;
  if (name !== undefined && name !== lab.name) {
    if (taken.labNames.has(name)) throw new NameTaken(`the engine already has a lab "${name}"`);
    changes.push({ kind: 'lab', subject: name, from: lab.name, to: name, reason: '--name' });
    labName = name;
  } else if (taken.labNames.has(lab.name)) {
    if (name !== undefined) throw new NameTaken(`the engine already has a lab "${name}"`);
    labName = freeName(lab.name, 40, '-', (n) => !taken.labNames.has(n));
    changes.push({
      kind: 'lab',
      subject: labName,
      from: lab.name,
      to: labName,
      reason: `the engine already has a lab "${lab.name}"`,
    });
  }

  // Network (bridge) names.
  const netFree = (c: string): boolean => !taken.networkNames.has(c) && !taken.hostDevices.has(c);
  // Names the lab keeps are reserved first, so a renamed network never takes one of them.
  const chosenNets = new Set(lab.networks.map((n) => n.name).filter(netFree));
  const netName = new Map<string, string>();
  for (const n of lab.networks) {
    if (netFree(n.name)) {
      netName.set(n.name, n.name);
      continue;
    }
    const to = freeName(n.name, 15, '', (c) => netFree(c) && !chosenNets.has(c));
    chosenNets.add(to);
    netName.set(n.name, to);
    if (to !== n.name) {
      changes.push({
        kind: 'network',
        subject: to,
        from: n.name,
        to,
        reason: taken.networkNames.has(n.name)
          ? `the engine already has a network "${n.name}"`
          : `a device "${n.name}" already exists on the host (the network's bridge would clash)`,
      });
    }
  }

  // Subnets.
  // The lab's own subnets are busy too: a moved one must not land on a sibling network's.
  const busy = [
    ...taken.subnets.map((s) => s.cidr),
    ...lab.networks.flatMap((n) => subnetsOf(n, lab.vms)),
  ];
  const moved = new Map<string, { from: string; to: string }[]>();
  for (const n of lab.networks) {
    const moves: { from: string; to: string }[] = [];
    for (const cidr of subnetsOf(n, lab.vms)) {
      const hit = taken.subnets.find((s) => overlaps(s.cidr, cidr));
      if (hit === undefined) continue;
      const to = freeBlock(blockOf(cidr).prefix, busy);
      if (to === null) throw new NameTaken(`no free private subnet of the size of ${cidr}`);
      busy.push(to);
      moves.push({ from: cidr, to });
      changes.push({
        kind: 'subnet',
        subject: netName.get(n.name) ?? n.name,
        from: cidr,
        to,
        reason: `${cidr} overlaps ${hit.cidr} (${hit.source})`,
      });
    }
    moved.set(n.name, moves);
  }
  const move = (network: string, ip: string): string => {
    for (const m of moved.get(network) ?? []) {
      const t = translate(ip, m.from, m.to);
      if (t !== ip) return t;
    }
    return ip;
  };
  const movePlan = (network: string, p: LabAddressPlan | null): LabAddressPlan | null => {
    if (p === null) return null;
    const { ip, prefix } = splitCidr(p.cidr);
    return {
      ...p,
      cidr: `${move(network, ip)}/${prefix}`,
      ...(p.gateway !== undefined ? { gateway: move(network, p.gateway) } : {}),
      ...(p.dhcp !== undefined
        ? { dhcp: { start: move(network, p.dhcp.start), end: move(network, p.dhcp.end) } }
        : {}),
      dnsServers: p.dnsServers.map((s) => move(network, s)),
    };
  };

  // VM names.
  const chosenVms = new Set(lab.vms.map((v) => v.name).filter((n) => !taken.vmNames.has(n)));
  const vmName = new Map<string, string>();
  for (const v of lab.vms) {
    if (!taken.vmNames.has(v.name)) {
      vmName.set(v.name, v.name);
      continue;
    }
    const to = freeName(v.name, 64, '-', (c) => !taken.vmNames.has(c) && !chosenVms.has(c));
    chosenVms.add(to);
    vmName.set(v.name, to);
    if (to !== v.name) {
      changes.push({
        kind: 'vm',
        subject: to,
        from: v.name,
        to,
        reason: `the engine already has a VM "${v.name}"`,
      });
    }
  }

  const vms: LabVm[] = lab.vms.map((v) => ({
    ...v,
    name: vmName.get(v.name) ?? v.name,
    dependsOn: v.dependsOn.map((d) => vmName.get(d) ?? d),
    nics: v.nics.map((nic) => {
      const address =
        nic.address === null ? null : { ...nic.address, ip: move(nic.network, nic.address.ip) };
      if (address !== null && nic.address !== null && address.ip !== nic.address.ip) {
        changes.push({
          kind: 'address',
          subject: `${vmName.get(v.name) ?? v.name}/${nic.name}`,
          from: nic.address.ip,
          to: address.ip,
          reason: 'its subnet moved',
        });
      }
      return { ...nic, network: netName.get(nic.network) ?? nic.network, address };
    }),
  }));
  const networks: LabNetwork[] = lab.networks.map((n) => ({
    ...n,
    name: netName.get(n.name) ?? n.name,
    addressPlan: movePlan(n.name, n.addressPlan),
  }));
  return { lab: { ...lab, name: labName, networks, vms }, changes };
}
