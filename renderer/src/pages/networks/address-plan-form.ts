// SPDX-License-Identifier: Apache-2.0
/**
 * The address plan part of the New/Edit network form (issue 12) as data: the values as typed,
 * to and from the contract, and field errors from the same pure rules the engine applies
 * (`canonicalAddressPlan`), so a bad plan is shown beside its field before a round trip.
 */
import {
  type AddressPlan,
  type AddressPlanInput,
  canonicalAddressPlan,
} from '../../../../main/contract/networks';

export interface AddressPlanFormValues {
  enabled: boolean;
  cidr: string;
  gateway: string;
  /** Comma or space separated. */
  dnsServers: string;
  rangeStart: string;
  rangeEnd: string;
  dnsDomain: string;
  /** Empty = the engine picks the highest free address. */
  serviceAddress: string;
}

export type AddressPlanFormErrors = Partial<Record<keyof AddressPlanFormValues, string>>;

export function emptyAddressPlanForm(): AddressPlanFormValues {
  return {
    enabled: false,
    cidr: '',
    gateway: '',
    dnsServers: '',
    rangeStart: '',
    rangeEnd: '',
    dnsDomain: '',
    serviceAddress: '',
  };
}

export function addressPlanToForm(plan: AddressPlan | null | undefined): AddressPlanFormValues {
  if (!plan) return emptyAddressPlanForm();
  return {
    enabled: true,
    cidr: plan.subnet.cidr,
    gateway: plan.subnet.gateway ?? '',
    dnsServers: plan.subnet.dnsServers.join(', '),
    rangeStart: plan.dhcpRange?.start ?? '',
    rangeEnd: plan.dhcpRange?.end ?? '',
    dnsDomain: plan.dnsDomain ?? '',
    serviceAddress: plan.serviceAddress,
  };
}

/** The contract input for the values (null = off). */
export function formToAddressPlan(v: AddressPlanFormValues): AddressPlanInput | null {
  if (!v.enabled) return null;
  const dns = v.dnsServers
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const start = v.rangeStart.trim();
  const end = v.rangeEnd.trim();
  return {
    subnet: {
      cidr: v.cidr.trim(),
      ...(v.gateway.trim() !== '' ? { gateway: v.gateway.trim() } : {}),
      dnsServers: dns,
    },
    ...(start !== '' || end !== '' ? { dhcpRange: { start, end } } : {}),
    ...(v.dnsDomain.trim() !== '' ? { dnsDomain: v.dnsDomain.trim() } : {}),
    ...(v.serviceAddress.trim() !== '' ? { serviceAddress: v.serviceAddress.trim() } : {}),
  };
}

/** Which form field a rule's field name belongs to. */
const FIELD: Readonly<Record<string, keyof AddressPlanFormValues>> = {
  'subnet.cidr': 'cidr',
  'subnet.ip_version': 'cidr',
  'subnet.name': 'cidr',
  'subnet.gateway': 'gateway',
  'subnet.dns_servers': 'dnsServers',
  dhcp_range: 'rangeStart',
  'dhcp_range.start': 'rangeStart',
  'dhcp_range.end': 'rangeEnd',
  dns_domain: 'dnsDomain',
  service_address: 'serviceAddress',
};

/** Field errors of the plan (none when it is off); `isolated` false is an error on `enabled`. */
export function validateAddressPlanForm(
  v: AddressPlanFormValues,
  network: { readonly name: string; readonly isolated: boolean },
): AddressPlanFormErrors {
  const input = formToAddressPlan(v);
  if (input === null) return {};
  if (!network.isolated) return { enabled: 'DHCP and DNS are served on isolated networks only.' };
  const e: AddressPlanFormErrors = {};
  if (input.dhcpRange && (input.dhcpRange.start === '' || input.dhcpRange.end === ''))
    e[input.dhcpRange.start === '' ? 'rangeStart' : 'rangeEnd'] = 'Give both ends of the range.';
  const result = canonicalAddressPlan(input, network.name || 'network');
  if (!result.ok) {
    for (const p of result.problems) {
      const field = FIELD[p.field] ?? 'cidr';
      e[field] ??= p.message;
    }
  }
  return e;
}
