// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12, AIO addition to `<network>`: the address plan of an isolated network, with the
 * subnet in oVirt's `open_stack_subnet` shape, and oVirt's `reported_device` for the leases.
 *
 * ```xml
 * <address_plan>
 *   <enabled>true</enabled>
 *   <subnet><name>lab-subnet</name><cidr>10.0.0.0/24</cidr><ip_version>v4</ip_version>
 *     <gateway>10.0.0.1</gateway><dns_servers><dns_server>10.9.9.9</dns_server></dns_servers></subnet>
 *   <dhcp_range><start>10.0.0.100</start><end>10.0.0.199</end></dhcp_range>
 *   <dns_domain>lab.internal</dns_domain>
 *   <service_address>10.0.0.254</service_address>
 * </address_plan>
 * ```
 * `<address_plan><enabled>false</enabled></address_plan>` turns the service off.
 *
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/open_stack_subnet
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/reported_device
 */
import type { AddressPlan, NetworkSegment, ReportedDevice } from '../../../contract/networks';
import type { OpInput } from '../../../contract/operations';
import type { DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, enumValue, type InputObject, obj, str, strList } from '../input';
import { refTo } from './links';

type PlanInput = NonNullable<OpInput<'AddNetwork'>['addressPlan']>;

const IP_VERSIONS = ['v4', 'v6'] as const;

/** The plan as a document (absent when off). */
export function addressPlanDoc(plan: AddressPlan | null | undefined): DocObject | undefined {
  if (plan === null || plan === undefined) return undefined;
  return {
    enabled: true,
    subnet: {
      name: plan.subnet.name,
      cidr: plan.subnet.cidr,
      ip_version: plan.subnet.ipVersion,
      gateway: plan.subnet.gateway ?? undefined,
      dns_servers:
        plan.subnet.dnsServers.length === 0 ? undefined : { dns_server: plan.subnet.dnsServers },
    },
    dhcp_range:
      plan.dhcpRange === null
        ? undefined
        : { start: plan.dhcpRange.start, end: plan.dhcpRange.end },
    dns_domain: plan.dnsDomain ?? undefined,
    service_address: plan.serviceAddress,
  };
}

/** `<address_plan>` of a network body: undefined when absent, null when turned off. */
export function addressPlanInput(network: InputObject): PlanInput | null | undefined {
  const o = obj(network, 'address_plan');
  if (o === undefined) return undefined;
  if (bool(o, 'enabled') === false || Object.keys(o).length === 0) return null;
  const subnet = obj(o, 'subnet');
  const cidr = subnet === undefined ? undefined : str(subnet, 'cidr');
  if (subnet === undefined || cidr === undefined)
    throw incompleteParameters('Network', ['address_plan.subnet.cidr'], 'add');
  const name = str(subnet, 'name');
  const version = str(subnet, 'ip_version');
  const gateway = str(subnet, 'gateway');
  const dnsServers = strList(subnet, 'dns_servers', 'dns_server');
  const range = obj(o, 'dhcp_range');
  const start = range === undefined ? undefined : str(range, 'start');
  const end = range === undefined ? undefined : str(range, 'end');
  if (range !== undefined && (start === undefined || end === undefined))
    throw incompleteParameters('Network', ['address_plan.dhcp_range.start|end'], 'add');
  const domain = str(o, 'dns_domain');
  const service = str(o, 'service_address');
  return {
    subnet: {
      cidr,
      ...(name !== undefined ? { name } : {}),
      ...(version !== undefined ? { ipVersion: enumValue(version, IP_VERSIONS, 'IpVersion') } : {}),
      ...(gateway !== undefined && gateway !== '' ? { gateway } : {}),
      ...(dnsServers !== undefined ? { dnsServers } : {}),
    },
    ...(start !== undefined && end !== undefined ? { dhcpRange: { start, end } } : {}),
    ...(domain !== undefined && domain !== '' ? { dnsDomain: domain } : {}),
    ...(service !== undefined ? { serviceAddress: service } : {}),
  };
}

/** A `reported_device` of a VM. */
export function reportedDeviceDoc(base: string, d: ReportedDevice): DocObject {
  return {
    href: `${base}/vms/${d.vmId}/reporteddevices/${d.id}`,
    id: d.id,
    name: d.name,
    description: d.description,
    ips: { ip: d.ips.map((ip) => ({ address: ip.address, version: ip.version })) },
    mac: { address: d.mac },
    type: d.type,
    vm: refTo(base, 'vms', d.vmId),
  };
}

/** `/networks/{id}/segment` (AIO addition): the service read back, with its leases. */
export function networkSegmentDoc(base: string, s: NetworkSegment): DocObject {
  return {
    href: `${base}/networks/${s.networkId}/segment`,
    enabled: s.enabled,
    running: s.running,
    service_address: s.serviceAddress ?? undefined,
    problems: s.problems.length === 0 ? undefined : { problem: [...s.problems] },
    leases: {
      lease: s.leases.map((l) => ({
        mac: { address: l.mac },
        ip: { address: l.ip, version: 'v4' },
        source: l.source,
        leased: l.leased,
        vm: l.vmId === null ? undefined : refTo(base, 'vms', l.vmId),
        vm_name: l.vmName ?? undefined,
        nic_name: l.nicName ?? undefined,
      })),
    },
    network: refTo(base, 'networks', s.networkId),
  };
}
