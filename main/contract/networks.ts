// SPDX-License-Identifier: Apache-2.0
/**
 * Logical networks, network labels and vNIC profiles, in oVirt's words
 * (`types/Network.java`, `NetworkLabel.java`, `VnicProfile.java`), plus the seeds' `isolated`.
 *
 * @see ../../shared/reference/ovirt-api.md §2.3, §2.4, §2.11
 */

// The value rules (MTU range and default, name and label format) live in rules/network.ts.
export {
  DEFAULT_MTU,
  LABEL_PATTERN,
  MAX_MTU,
  MIN_MTU,
  NETWORK_NAME_MAX_LENGTH,
} from './rules/network';

export interface Network {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly comment: string;
  readonly dataCenterId: string;
  /** 0 = default (1500). */
  readonly mtu: number;
  /** VLAN tag, null when untagged. Always null for isolated networks. */
  readonly vlanId: number | null;
  readonly stp: boolean;
  /** oVirt `usages` contains `vm`. Always true for isolated networks. */
  readonly vmNetwork: boolean;
  /** Seed: `network.is_isolated` — a NIC-less, in-host-only network. */
  readonly isolated: boolean;
  readonly portIsolation: boolean;
  /** On-host (bridge) name, oVirt's `vdsm_name` rule. */
  readonly vdsmName: string;
  /** The network's label (at most one), or null. */
  readonly label: string | null;
  /**
   * AIO addition (issue 12): DHCP and DNS served on the isolated segment, never from the
   * host. Null (or absent) = off: no service at all.
   */
  readonly addressPlan?: AddressPlan | null;
  /**
   * Issue 17: oVirt `external_provider` — the id of ovirt-provider-ovn when the network is an
   * OVN logical switch spanning hosts; null/absent = a Linux bridge on each host.
   */
  readonly externalProviderId?: string | null;
}

/** A label on a network (`/networks/{id}/networklabels`). `id` is the label text. */
export interface NetworkLabel {
  readonly id: string;
  readonly networkId: string;
}

export interface VnicProfile {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly networkId: string;
  readonly portMirroring: boolean;
}

// ── Address plan of an isolated network (issue 12, AIO addition) ─────────────────────────

/**
 * oVirt's external-provider subnet shape (`types/OpenStackSubnet`): `name`, `cidr`,
 * `ip_version`, `gateway` (optional), `dns_servers`.
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/open_stack_subnet
 */
export interface AddressPlanSubnet {
  readonly name: string;
  /** Network address and prefix, `10.0.0.0/24`. */
  readonly cidr: string;
  /** oVirt `IpVersion`; only `v4` is served on a segment yet. */
  readonly ipVersion: 'v4' | 'v6';
  /** Router handed out by DHCP; null = none (an isolated segment has no router). */
  readonly gateway: string | null;
  /** Extra DNS servers handed out after the segment's own resolver. */
  readonly dnsServers: readonly string[];
}

/** A dynamic DHCP pool, both ends included. */
export interface DhcpRange {
  readonly start: string;
  readonly end: string;
}

/** The stored, canonical address plan of an isolated network (defaults made explicit). */
export interface AddressPlan {
  readonly subnet: AddressPlanSubnet;
  /** Null = static leases only (every vNIC still gets its address from the engine). */
  readonly dhcpRange: DhcpRange | null;
  /** Names answer as `<vm-name>.<dnsDomain>`; null = bare names only. */
  readonly dnsDomain: string | null;
  /** The DHCP/DNS service's own (and only non-guest) address on the segment. */
  readonly serviceAddress: string;
}

/** What a client sends: the same fields, optional where a default exists. */
export interface AddressPlanInput {
  readonly subnet: {
    readonly name?: string | undefined;
    readonly cidr: string;
    readonly ipVersion?: 'v4' | 'v6' | undefined;
    readonly gateway?: string | null | undefined;
    readonly dnsServers?: string[] | undefined;
  };
  readonly dhcpRange?: DhcpRange | null | undefined;
  readonly dnsDomain?: string | null | undefined;
  /** Default: the highest host address outside the range and not the gateway. */
  readonly serviceAddress?: string | undefined;
}

/** One problem of an address plan, keyed by the field (forms show it beside the field). */
export interface AddressPlanProblem {
  readonly field: string;
  readonly message: string;
}

/** Parse dotted IPv4 into a number; null when it is not one. */
export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let n = 0;
  for (const part of m.slice(1)) {
    // Leading zeros read as octal in some tools: refuse them rather than guess.
    if (part.length > 1 && part.startsWith('0')) return null;
    const v = Number(part);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Format a number as dotted IPv4. */
export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => String(Math.floor(n / 2 ** s) % 256)).join('.');
}

/** An IPv4 subnet: network address and prefix length. */
export interface Ipv4Subnet {
  readonly network: number;
  readonly prefix: number;
}

/** `10.0.0.0/24` → subnet; null when not IPv4 CIDR or host bits are set. */
export function parseIpv4Cidr(text: string): Ipv4Subnet | null {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const address = parseIpv4(m[1] ?? '');
  const prefix = Number(m[2]);
  if (address === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return null;
  return { network: address, prefix };
}

/** Broadcast address of a subnet. */
export const broadcastOf = (s: Ipv4Subnet): number => s.network + 2 ** (32 - s.prefix) - 1;

/** Is `n` a usable host address of `s` (not the network or broadcast address)? */
export const isHostOf = (s: Ipv4Subnet, n: number): boolean => n > s.network && n < broadcastOf(s);

/** Dotted netmask of a prefix length. */
export const netmaskOfPrefix = (prefix: number): string => formatIpv4(2 ** 32 - 2 ** (32 - prefix));

/** Smallest and largest prefix the segment serves (the host layer's limits). */
export const ADDRESS_PLAN_MIN_PREFIX = 8;
export const ADDRESS_PLAN_MAX_PREFIX = 30;

const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS domain name (labels separated by dots, not all digits). */
export function isDnsDomain(text: string): boolean {
  return (
    text.length > 0 &&
    text.length <= 253 &&
    text.split('.').every((l) => DNS_LABEL.test(l)) &&
    !/^[0-9.]+$/.test(text)
  );
}

/**
 * A VM name as a DNS label for `<vm-name>.<domain>`: lower case, characters other than
 * letters, digits and `-` become `-`, trimmed to 63; null when nothing usable is left.
 */
export function dnsLabelOf(name: string): string | null {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return DNS_LABEL.test(label) ? label : null;
}

/**
 * Check an address plan and make its defaults explicit (pure: the UI, the engine and the
 * tests share it). Rules: IPv4 only; the cidr is a network address with a prefix in
 * /8../30; gateway, range ends and service address are host addresses of the cidr; the range
 * is not empty and holds neither the gateway nor the service address; the service address is
 * not the gateway; DNS servers are IPv4; the domain is a domain name.
 * @param networkName default subnet name
 */
export function canonicalAddressPlan(
  input: AddressPlanInput,
  networkName: string,
):
  | { readonly ok: true; readonly plan: AddressPlan }
  | { readonly ok: false; readonly problems: AddressPlanProblem[] } {
  const problems: AddressPlanProblem[] = [];
  const bad = (field: string, message: string): void => {
    problems.push({ field, message });
  };
  const s = input.subnet;
  const ipVersion = s.ipVersion ?? 'v4';
  if (ipVersion !== 'v4') bad('subnet.ip_version', 'only v4 subnets are served on a segment yet');
  const subnet = parseIpv4Cidr(s.cidr);
  if (subnet === null) {
    bad('subnet.cidr', `${JSON.stringify(s.cidr)} is not an IPv4 network address with a prefix`);
    return { ok: false, problems };
  }
  if (subnet.prefix < ADDRESS_PLAN_MIN_PREFIX || subnet.prefix > ADDRESS_PLAN_MAX_PREFIX)
    bad(
      'subnet.cidr',
      `the prefix must be between /${String(ADDRESS_PLAN_MIN_PREFIX)} and /${String(ADDRESS_PLAN_MAX_PREFIX)}`,
    );
  const host = (field: string, text: string | null | undefined): number | null => {
    if (text === undefined || text === null) return null;
    const n = parseIpv4(text);
    if (n === null) bad(field, `${JSON.stringify(text)} is not an IPv4 address`);
    else if (!isHostOf(subnet, n)) bad(field, `${text} is not a host address of ${s.cidr}`);
    else return n;
    return null;
  };
  const gateway = host('subnet.gateway', s.gateway);
  const dnsServers: string[] = [];
  for (const d of s.dnsServers ?? []) {
    if (parseIpv4(d) === null)
      bad('subnet.dns_servers', `${JSON.stringify(d)} is not an IPv4 address`);
    else dnsServers.push(d);
  }
  let range: { start: number; end: number } | null = null;
  if (input.dhcpRange) {
    const start = host('dhcp_range.start', input.dhcpRange.start);
    const end = host('dhcp_range.end', input.dhcpRange.end);
    if (start !== null && end !== null) {
      if (start > end)
        bad(
          'dhcp_range',
          `${input.dhcpRange.start}-${input.dhcpRange.end} is empty (start after end)`,
        );
      else range = { start, end };
    }
  }
  const inRange = (n: number): boolean => range !== null && n >= range.start && n <= range.end;
  if (gateway !== null && inRange(gateway))
    bad('dhcp_range', `the range holds the gateway ${formatIpv4(gateway)}`);
  let dnsDomain: string | null = null;
  if (input.dnsDomain !== undefined && input.dnsDomain !== null && input.dnsDomain !== '') {
    if (!isDnsDomain(input.dnsDomain))
      bad('dns_domain', `${JSON.stringify(input.dnsDomain)} is not a domain name`);
    else dnsDomain = input.dnsDomain.toLowerCase();
  }
  let service: number | null = null;
  if (input.serviceAddress !== undefined) {
    service = host('service_address', input.serviceAddress);
    if (service !== null && service === gateway)
      bad('service_address', `${input.serviceAddress} is the gateway`);
    if (service !== null && inRange(service))
      bad('service_address', `${input.serviceAddress} is inside the DHCP range`);
  } else if (problems.length === 0) {
    for (let n = broadcastOf(subnet) - 1; n > subnet.network; n--) {
      if (n !== gateway && !inRange(n)) {
        service = n;
        break;
      }
    }
    if (service === null) bad('dhcp_range', `no address of ${s.cidr} is left for the service`);
  }
  const name = s.name ?? `${networkName}-subnet`;
  if (name.length === 0 || name.length > 256) bad('subnet.name', 'must be 1 to 256 characters');
  if (problems.length > 0 || service === null) return { ok: false, problems };
  return {
    ok: true,
    plan: {
      subnet: {
        name,
        cidr: s.cidr,
        ipVersion: 'v4',
        gateway: gateway === null ? null : formatIpv4(gateway),
        dnsServers,
      },
      dhcpRange:
        range === null ? null : { start: formatIpv4(range.start), end: formatIpv4(range.end) },
      dnsDomain,
      serviceAddress: formatIpv4(service),
    },
  };
}

/** The plan as input again (an edit form starts from it; a re-check keeps it unchanged). */
export function addressPlanToInput(plan: AddressPlan): AddressPlanInput {
  return {
    subnet: { ...plan.subnet, dnsServers: [...plan.subnet.dnsServers] },
    dhcpRange: plan.dhcpRange,
    dnsDomain: plan.dnsDomain,
    serviceAddress: plan.serviceAddress,
  };
}

/** One address the segment's DHCP hands out, as the engine plans it and the host reports it. */
export interface SegmentLeaseView {
  readonly mac: string;
  readonly ip: string;
  /** The VM and vNIC the MAC belongs to; null for a dynamic lease of an unknown MAC. */
  readonly vmId: string | null;
  readonly vmName: string | null;
  readonly nicName: string | null;
  /** `static` from cloud-init's `nic_configurations`, `allocated` by the engine, `dynamic` from the range. */
  readonly source: 'static' | 'allocated' | 'dynamic';
  /** The guest asked for it and holds it (dnsmasq's lease file). */
  readonly leased: boolean;
  /** Milliseconds since the epoch; null for an infinite lease or none. */
  readonly expiresAt: number | null;
}

/** The DHCP/DNS service of an isolated network on the host, read back (not the request). */
export interface NetworkSegment {
  readonly networkId: string;
  /** The network has an address plan. */
  readonly enabled: boolean;
  /** The host serves it: namespace, port on the bridge, dnsmasq listening. */
  readonly running: boolean;
  readonly serviceAddress: string | null;
  /** Why it is not running (empty when it is, or when it is off). */
  readonly problems: readonly string[];
  readonly leases: readonly SegmentLeaseView[];
}

/**
 * oVirt `reported_device` (`/vms/{id}/reporteddevices`): what the guest holds, here the
 * addresses the segment's DHCP gave a vNIC (oVirt reads them from the guest agent).
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/reported_device
 */
export interface ReportedDevice {
  readonly id: string;
  /** The vNIC's name (`nic1`). */
  readonly name: string;
  readonly description: string;
  readonly type: 'network';
  readonly mac: string;
  readonly ips: readonly { readonly address: string; readonly version: 'v4' | 'v6' }[];
  readonly vmId: string;
  readonly nicId: string;
}
