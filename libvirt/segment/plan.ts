// SPDX-License-Identifier: Apache-2.0
/**
 * First step of setupSegmentServices: make a plan's defaults explicit (service address, lease
 * time, the DNS servers handed out) and check it, saying every problem at once. Pure. Every
 * value that reaches a dnsmasq file is checked against a strict pattern here, so nothing in a
 * plan can add a line or an option to those files.
 */
import { BRIDGE_NAME_PATTERN as BRIDGE_NAME } from '../../main/contract/rules/names';
import type { SegmentPlan } from '../host-agent';
import {
  broadcastOf,
  formatCidr,
  formatIpv4,
  type Ipv4Subnet,
  isHostOf,
  netmaskOf,
  parseIpv4,
  parseIpv4Cidr,
} from './ipv4';

/** The plan with every default made explicit. */
export interface CanonicalSegmentPlan {
  readonly network: string;
  /** `10.0.0.0/24`. */
  readonly cidr: string;
  readonly prefix: number;
  readonly netmask: string;
  readonly networkAddress: string;
  readonly gateway: string | null;
  readonly serviceAddress: string;
  /** Handed out by DHCP: the service's own resolver first, then the plan's servers. */
  readonly dnsServers: readonly string[];
  readonly dhcpRange: { readonly start: string; readonly end: string } | null;
  readonly dnsDomain: string | null;
  readonly leaseSeconds: number;
  /** Sorted by MAC; MACs lower case. */
  readonly staticLeases: readonly {
    readonly mac: string;
    readonly ip: string;
    readonly hostname: string | null;
  }[];
  /** Sorted by name; names lower case. */
  readonly names: readonly { readonly name: string; readonly ip: string }[];
}

export const DEFAULT_LEASE_SECONDS = 3600;
const MIN_LEASE_SECONDS = 120;
const MAX_LEASE_SECONDS = 365 * 24 * 3600;

const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
/** One DNS label (RFC 1123 host name label). */
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isDomain(text: string): boolean {
  return (
    typeof text === 'string' &&
    text.length <= 253 &&
    text.split('.').every((l) => LABEL.test(l)) &&
    !/^[0-9.]+$/.test(text)
  );
}

/** Check and complete a plan. Returns the problems (non-empty) or the canonical plan. */
export function canonicalizePlan(
  network: string,
  plan: SegmentPlan,
): { readonly problems: string[] } | { readonly plan: CanonicalSegmentPlan } {
  const problems: string[] = [];
  const bad = (why: string): void => {
    problems.push(why);
  };
  if (!BRIDGE_NAME.test(network)) bad(`${JSON.stringify(network)} is not a bridge name`);
  if (plan.ipVersion !== 'v4') {
    bad(
      `ip_version ${JSON.stringify(plan.ipVersion)}: only v4 subnets are served on a segment yet`,
    );
    return { problems };
  }
  const parsed = parseIpv4Cidr(plan.cidr);
  if (parsed === null)
    return { problems: [...problems, `cidr ${JSON.stringify(plan.cidr)} is not an IPv4 CIDR`] };
  if (parsed.hostBitsSet) bad(`cidr ${plan.cidr}: the address is not the network address`);
  const subnet: Ipv4Subnet = parsed.subnet;
  if (subnet.prefix > 30 || subnet.prefix < 8)
    bad(`cidr ${plan.cidr}: the prefix must be between /8 and /30`);

  const hostAddress = (field: string, text: string | undefined): number | null => {
    if (text === undefined) return null;
    const n = parseIpv4(text);
    if (n === null) {
      bad(`${field} ${JSON.stringify(text)} is not an IPv4 address`);
      return null;
    }
    if (!isHostOf(subnet, n)) bad(`${field} ${text} is not a host address of ${plan.cidr}`);
    return n;
  };

  const gateway = hostAddress('gateway', plan.gateway);
  let range: { start: number; end: number } | null = null;
  if (plan.dhcpRange !== undefined) {
    const start = hostAddress('dhcp range start', plan.dhcpRange.start);
    const end = hostAddress('dhcp range end', plan.dhcpRange.end);
    if (start !== null && end !== null) {
      if (start > end) bad(`dhcp range ${plan.dhcpRange.start}-${plan.dhcpRange.end} is empty`);
      range = { start, end };
    }
  }
  const inRange = (n: number): boolean => range !== null && n >= range.start && n <= range.end;

  const dnsServers: string[] = [];
  for (const s of plan.dnsServers ?? []) {
    if (parseIpv4(s) === null) bad(`dns server ${JSON.stringify(s)} is not an IPv4 address`);
    else dnsServers.push(s);
  }
  let dnsDomain: string | null = null;
  if (plan.dnsDomain !== undefined) {
    if (!isDomain(plan.dnsDomain))
      bad(`dns domain ${JSON.stringify(plan.dnsDomain)} is not a domain name`);
    else dnsDomain = plan.dnsDomain.toLowerCase();
  }
  const leaseSeconds = plan.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (
    !Number.isInteger(leaseSeconds) ||
    leaseSeconds < MIN_LEASE_SECONDS ||
    leaseSeconds > MAX_LEASE_SECONDS
  )
    bad(
      `lease time ${String(leaseSeconds)} s is outside ${MIN_LEASE_SECONDS}..${MAX_LEASE_SECONDS}`,
    );

  const taken = new Map<number, string>();
  if (gateway !== null) taken.set(gateway, 'the gateway');
  const staticLeases: { mac: string; ip: string; hostname: string | null }[] = [];
  const macs = new Set<string>();
  for (const lease of plan.staticLeases ?? []) {
    const what = `static lease ${JSON.stringify(lease.mac)}`;
    if (typeof lease.mac !== 'string' || !MAC.test(lease.mac)) {
      bad(`${what}: not a MAC address`);
      continue;
    }
    const mac = lease.mac.toLowerCase();
    if (macs.has(mac)) bad(`${what}: MAC given twice`);
    macs.add(mac);
    const ip = hostAddress(`${what}: address`, lease.ip);
    if (ip !== null) {
      const owner = taken.get(ip);
      if (owner !== undefined) bad(`${what}: address ${lease.ip} is already ${owner}`);
      taken.set(ip, `static lease ${mac}`);
    }
    if (lease.hostname !== undefined && !LABEL.test(lease.hostname))
      bad(`${what}: hostname ${JSON.stringify(lease.hostname)} is not a DNS label`);
    staticLeases.push({ mac, ip: lease.ip, hostname: lease.hostname?.toLowerCase() ?? null });
  }
  const names: { name: string; ip: string }[] = [];
  const seenNames = new Set<string>();
  for (const entry of plan.names ?? []) {
    if (typeof entry.name !== 'string' || !LABEL.test(entry.name)) {
      bad(`name ${JSON.stringify(entry.name)} is not a DNS label`);
      continue;
    }
    const name = entry.name.toLowerCase();
    if (seenNames.has(name)) bad(`name ${name} is given twice`);
    seenNames.add(name);
    if (parseIpv4(entry.ip) === null)
      bad(`name ${name}: ${JSON.stringify(entry.ip)} is not an IPv4 address`);
    names.push({ name, ip: entry.ip });
  }

  // The service address: given, or the highest host address nobody else uses.
  let service: number | null = null;
  if (plan.serviceAddress !== undefined) {
    service = hostAddress('service address', plan.serviceAddress);
  } else if (problems.length === 0) {
    const named = new Set(names.map((n) => parseIpv4(n.ip)));
    for (let n = broadcastOf(subnet) - 1; n > subnet.network; n--) {
      if (!taken.has(n) && !inRange(n) && !named.has(n)) {
        service = n;
        break;
      }
    }
    if (service === null) bad(`no free address left in ${plan.cidr} for the service`);
  }
  if (service !== null) {
    const owner = taken.get(service);
    if (owner !== undefined) bad(`service address ${formatIpv4(service)} is already ${owner}`);
    if (inRange(service)) bad(`service address ${formatIpv4(service)} is inside the dhcp range`);
  }
  if (problems.length > 0 || service === null) return { problems };

  const serviceAddress = formatIpv4(service);
  return {
    plan: {
      network,
      cidr: formatCidr(subnet),
      prefix: subnet.prefix,
      netmask: netmaskOf(subnet),
      networkAddress: formatIpv4(subnet.network),
      gateway: gateway === null ? null : formatIpv4(gateway),
      serviceAddress,
      dnsServers: [serviceAddress, ...dnsServers.filter((s) => s !== serviceAddress)],
      dhcpRange:
        range === null ? null : { start: formatIpv4(range.start), end: formatIpv4(range.end) },
      dnsDomain,
      leaseSeconds,
      staticLeases: staticLeases.sort((a, b) => a.mac.localeCompare(b.mac)),
      names: names.sort((a, b) => a.name.localeCompare(b.name)),
    },
  };
}
