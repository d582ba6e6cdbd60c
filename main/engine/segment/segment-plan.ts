// SPDX-License-Identifier: Apache-2.0
/**
 * The desired DHCP/DNS service of an isolated network with an address plan, computed from the
 * database (VDSM's "desired state", engine side): every vNIC on the network gets one address —
 * the static one its VM's cloud-init `nic_configurations` asks for, else a stable one the
 * engine allocates from the plan (stored in `segment_address`) — and every VM on it a name
 * `<vm-name>.<domain>`. Reads only; {@link persistAllocations} stores what it allocated.
 */
import type { Conn, Tx } from '../../../db/client';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networksRepo, vnicProfilesRepo } from '../../../db/repos/networks.repo';
import { segmentAddressesRepo } from '../../../db/repos/segment-addresses.repo';
import { vmNicsRepo, vmsRepo } from '../../../db/repos/vms.repo';
import type { SegmentPlan } from '../../../libvirt/host-agent';
import {
  broadcastOf,
  dnsLabelOf,
  formatIpv4,
  isHostOf,
  type Network,
  parseIpv4,
  parseIpv4Cidr,
} from '../../contract/networks';
import type { Vm, VmNic } from '../../contract/vms';

/** One planned static lease, with who it is for. */
export interface PlannedLease {
  readonly mac: string;
  readonly ip: string;
  readonly vmId: string;
  readonly vmName: string;
  readonly nicId: string;
  readonly nicName: string;
  readonly source: 'static' | 'allocated';
}

/** The service one network should have. */
export interface DesiredSegment {
  readonly networkId: string;
  /** On-host bridge name. */
  readonly vdsmName: string;
  /** What the host layer gets. */
  readonly plan: SegmentPlan;
  readonly leases: readonly PlannedLease[];
  /** Allocations to store (new MACs) and MACs whose stored allocation is dropped. */
  readonly allocate: readonly { readonly mac: string; readonly ip: string }[];
  readonly release: readonly string[];
  /** Addresses cloud-init asks for that the segment cannot hand out (reported, not fatal). */
  readonly problems: readonly string[];
}

/** vNICs in guest order (`eth0` = first by name, numbers compared as numbers), as RunVm has them. */
function guestOrder(nics: readonly VmNic[]): VmNic[] {
  return nics
    .filter((n) => n.plugged && n.vnicProfileId !== null)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** The IPv4 address the VM's initialization sets statically on this vNIC, or null. */
export function staticAddressOf(vm: Vm, nics: readonly VmNic[], nicId: string): string | null {
  const index = guestOrder(nics).findIndex((n) => n.id === nicId);
  if (index < 0) return null;
  const name = `eth${String(index)}`;
  for (const config of vm.initialization?.nicConfigurations ?? []) {
    const c = config as {
      name: string;
      bootProtocol?: string;
      onBoot?: boolean;
      ip?: { address?: string };
    };
    if (c.name !== name || c.onBoot === false || c.bootProtocol !== 'static') continue;
    if (c.ip?.address !== undefined) return c.ip.address;
  }
  return null;
}

/** The desired service of `network`, or null when it has none (no plan, or not isolated). */
export function desiredSegment(c: Conn, network: Network): DesiredSegment | null {
  const plan = network.addressPlan ?? null;
  if (plan === null || !network.isolated) return null;
  const subnet = parseIpv4Cidr(plan.subnet.cidr);
  if (subnet === null) return null;
  const range =
    plan.dhcpRange === null
      ? null
      : { start: parseIpv4(plan.dhcpRange.start) ?? 0, end: parseIpv4(plan.dhcpRange.end) ?? 0 };
  const inRange = (n: number): boolean => range !== null && n >= range.start && n <= range.end;
  const reserved = new Set<number>();
  for (const a of [plan.subnet.gateway, plan.serviceAddress]) {
    const n = a === null ? null : parseIpv4(a);
    if (n !== null) reserved.add(n);
  }
  const taken = new Map<number, string>();
  const problems: string[] = [];

  // Every vNIC whose profile is on this network, with its VM, sorted by MAC for determinism.
  const profiles = new Set(vnicProfilesRepo.listByNetwork(c, network.id).map((p) => p.id));
  const vms = vmsRepo.listUsingNetwork(c, network.id);
  const members: { vm: Vm; nic: VmNic; nics: VmNic[] }[] = [];
  for (const vm of vms) {
    const nics = vmNicsRepo.listByVm(c, vm.id);
    for (const nic of nics) {
      if (nic.vnicProfileId !== null && profiles.has(nic.vnicProfileId))
        members.push({ vm, nic, nics });
    }
  }
  members.sort((a, b) => a.nic.mac.toLowerCase().localeCompare(b.nic.mac.toLowerCase()));

  const leases = new Map<string, PlannedLease>();
  const lease = (m: (typeof members)[number], ip: number, source: PlannedLease['source']): void => {
    const mac = m.nic.mac.toLowerCase();
    taken.set(ip, mac);
    leases.set(mac, {
      mac,
      ip: formatIpv4(ip),
      vmId: m.vm.id,
      vmName: m.vm.name,
      nicId: m.nic.id,
      nicName: m.nic.name,
      source,
    });
  };
  // 1. What cloud-init asks for wins, when the segment can hand it out.
  for (const m of members) {
    const text = staticAddressOf(m.vm, m.nics, m.nic.id);
    if (text === null) continue;
    const n = parseIpv4(text);
    const why =
      n === null || !isHostOf(subnet, n)
        ? `is outside ${plan.subnet.cidr}`
        : reserved.has(n)
          ? 'is the gateway or the service address'
          : taken.has(n)
            ? `is already given to ${taken.get(n) ?? ''}`
            : null;
    if (why !== null || n === null) {
      problems.push(`VM ${m.vm.name} ${m.nic.name}: static address ${text} ${why ?? ''}`.trim());
      continue;
    }
    lease(m, n, 'static');
  }
  // 2. Stored allocations stay while still valid; 3. new MACs get the lowest free address
  // outside the dynamic range (the range is for guests the engine does not know).
  const stored = new Map(
    segmentAddressesRepo.listByNetwork(c, network.id).map((r) => [r.mac, parseIpv4(r.ip)]),
  );
  const usable = (n: number | null | undefined): n is number =>
    n !== null &&
    n !== undefined &&
    isHostOf(subnet, n) &&
    !reserved.has(n) &&
    !taken.has(n) &&
    !inRange(n);
  const allocate: { mac: string; ip: string }[] = [];
  const wanting: (typeof members)[number][] = [];
  for (const m of members) {
    const mac = m.nic.mac.toLowerCase();
    if (leases.has(mac)) continue;
    const n = stored.get(mac);
    if (usable(n)) lease(m, n, 'allocated');
    else wanting.push(m);
  }
  let next = subnet.network + 1;
  const last = broadcastOf(subnet) - 1;
  for (const m of wanting) {
    while (next <= last && !usable(next)) next++;
    if (next > last) {
      problems.push(`VM ${m.vm.name} ${m.nic.name}: no free address left in ${plan.subnet.cidr}`);
      continue;
    }
    lease(m, next, 'allocated');
    allocate.push({ mac: m.nic.mac.toLowerCase(), ip: formatIpv4(next) });
  }
  // Stored rows of MACs that left the network or now have a static address go.
  const release = [...stored.keys()].filter((mac) => leases.get(mac)?.source !== 'allocated');

  // Names: each VM once, at the address of its first vNIC (guest order) on this network.
  const names: { name: string; ip: string }[] = [];
  const labels = new Map<string, string>();
  const byVm = [...vms].sort((a, b) => a.name.localeCompare(b.name));
  for (const vm of byVm) {
    const label = dnsLabelOf(vm.name);
    if (label === null) {
      problems.push(`VM ${vm.name}: its name is not a DNS label, so it gets no name`);
      continue;
    }
    if (labels.has(label)) {
      problems.push(`VM ${vm.name}: the name ${label} is already VM ${labels.get(label) ?? ''}'s`);
      continue;
    }
    const nics = vmNicsRepo.listByVm(c, vm.id);
    const first = [...guestOrder(nics), ...nics]
      .map((n) => leases.get(n.mac.toLowerCase()))
      .find((l) => l !== undefined);
    if (!first) continue;
    labels.set(label, vm.name);
    names.push({ name: label, ip: first.ip });
  }
  const leaseList = [...leases.values()];
  return {
    networkId: network.id,
    vdsmName: network.vdsmName,
    plan: {
      cidr: plan.subnet.cidr,
      ipVersion: plan.subnet.ipVersion,
      ...(plan.subnet.gateway === null ? {} : { gateway: plan.subnet.gateway }),
      dnsServers: plan.subnet.dnsServers,
      ...(plan.dhcpRange === null ? {} : { dhcpRange: plan.dhcpRange }),
      ...(plan.dnsDomain === null ? {} : { dnsDomain: plan.dnsDomain }),
      serviceAddress: plan.serviceAddress,
      staticLeases: leaseList.map((l) => {
        const hostname = dnsLabelOf(l.vmName);
        return { mac: l.mac, ip: l.ip, ...(hostname === null ? {} : { hostname }) };
      }),
      names,
    },
    leases: leaseList,
    allocate,
    release,
    problems,
  };
}

/** Store what {@link desiredSegment} allocated and drop what it released (inside a tx). */
export function persistAllocations(tx: Tx, segment: DesiredSegment): void {
  for (const mac of segment.release) segmentAddressesRepo.delete(tx, segment.networkId, mac);
  for (const a of segment.allocate) {
    segmentAddressesRepo.delete(tx, segment.networkId, a.mac);
    segmentAddressesRepo.insert(tx, { networkId: segment.networkId, ...a });
  }
}

/** On-host name → desired service, for every network attached to the host that has a plan. */
export function desiredSegmentsOnHost(c: Conn, hostId: string): Map<string, DesiredSegment> {
  const out = new Map<string, DesiredSegment>();
  const networks = new Map(networksRepo.list(c).map((n) => [n.id, n]));
  for (const a of networkAttachmentsRepo.listByHost(c, hostId)) {
    const network = networks.get(a.networkId);
    if (!network) continue;
    const desired = desiredSegment(c, network);
    if (desired) out.set(network.vdsmName, desired);
  }
  return out;
}
