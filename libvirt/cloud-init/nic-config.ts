// SPDX-License-Identifier: Apache-2.0
/**
 * oVirt's `nic_configurations` checked and made explicit, once, for both delivery paths: the
 * cloud-init `network-config` and the tiny guest's command line. Pure. Rules follow oVirt's
 * (ENG `VmInitToOpenStackMetadataAdapter`): `static` needs an address; a NIC configuration must
 * name a vNIC of the VM.
 */
import { isIPv4, isIPv6 } from 'node:net';

import type { GuestBootProtocol, GuestNicConfiguration } from './types';

/** One address family of one NIC, canonical. */
export type CanonicalFamily =
  | { readonly mode: 'off' }
  | { readonly mode: 'dhcp' }
  /** IPv6 SLAAC (`autoconf`), or SLAAC + DHCPv6 (`poly_dhcp_autoconf`). */
  | { readonly mode: 'autoconf'; readonly dhcp: boolean }
  | {
      readonly mode: 'static';
      readonly address: string;
      readonly prefix: number;
      readonly gateway: string | null;
    };

export interface CanonicalNic {
  /** Guest interface name. */
  readonly name: string;
  /** vNIC MAC, lower case. */
  readonly mac: string;
  readonly ipv4: CanonicalFamily;
  readonly ipv6: CanonicalFamily;
}

/** Linux interface names (at most 15 characters, no `/`, `:` or spaces). */
const IFACE = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** `255.255.255.0` or `24` → 24; null when neither. */
export function ipv4Prefix(netmask: string): number | null {
  if (/^\d{1,2}$/.test(netmask)) {
    const n = Number(netmask);
    return n <= 32 ? n : null;
  }
  if (!isIPv4(netmask)) return null;
  const bits = netmask
    .split('.')
    .map((p) => Number(p).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : null;
}

function family(
  nic: string,
  v: 4 | 6,
  protocol: GuestBootProtocol | undefined,
  ip: GuestNicConfiguration['ip'],
  problems: string[],
): CanonicalFamily {
  const what = `nic configuration ${nic} (IPv${v})`;
  switch (protocol ?? 'none') {
    case 'none':
      return { mode: 'off' };
    case 'dhcp':
      return { mode: 'dhcp' };
    case 'autoconf':
    case 'poly_dhcp_autoconf':
      if (v === 4) {
        problems.push(`${what}: ${String(protocol)} is for IPv6 only`);
        return { mode: 'off' };
      }
      return { mode: 'autoconf', dhcp: protocol === 'poly_dhcp_autoconf' };
    case 'static': {
      const address = ip?.address;
      const valid =
        v === 4 ? isIPv4 : (a: string): boolean => /^[0-9A-Fa-f:.]+$/.test(a) && isIPv6(a);
      if (address === undefined || !valid(address)) {
        problems.push(
          `${what}: static needs a valid address, not ${JSON.stringify(address ?? null)}`,
        );
        return { mode: 'off' };
      }
      const mask = ip?.netmask ?? (v === 4 ? '24' : '64');
      const prefix =
        v === 4
          ? ipv4Prefix(mask)
          : /^\d{1,3}$/.test(mask) && Number(mask) <= 128
            ? Number(mask)
            : null;
      if (prefix === null) {
        problems.push(`${what}: netmask ${JSON.stringify(mask)} is not valid`);
        return { mode: 'off' };
      }
      const gateway = ip?.gateway ?? null;
      if (gateway !== null && !valid(gateway)) {
        problems.push(`${what}: gateway ${JSON.stringify(gateway)} is not valid`);
        return { mode: 'off' };
      }
      return { mode: 'static', address, prefix, gateway };
    }
    default:
      problems.push(`${what}: unknown boot protocol ${JSON.stringify(protocol)}`);
      return { mode: 'off' };
  }
}

/**
 * Check the NIC configurations against the VM's vNICs (`nics`: guest name → MAC). NICs with
 * `on_boot` false are left out (the guest leaves them unconfigured).
 */
export function canonicalizeNics(
  configs: readonly GuestNicConfiguration[],
  nics: readonly { readonly name: string; readonly mac: string }[],
): { readonly problems: string[] } | { readonly nics: CanonicalNic[] } {
  const problems: string[] = [];
  const macOf = new Map<string, string>();
  for (const n of nics) {
    if (!IFACE.test(n.name))
      problems.push(`vNIC name ${JSON.stringify(n.name)} is not an interface name`);
    if (!MAC.test(n.mac.toLowerCase()))
      problems.push(`vNIC ${n.name}: ${JSON.stringify(n.mac)} is not a MAC`);
    macOf.set(n.name, n.mac.toLowerCase());
  }
  const out: CanonicalNic[] = [];
  const seen = new Set<string>();
  for (const c of configs) {
    const mac = macOf.get(c.name);
    if (mac === undefined) {
      problems.push(`nic configuration ${JSON.stringify(c.name)} names no vNIC of the VM`);
      continue;
    }
    if (seen.has(c.name)) problems.push(`nic configuration ${c.name} is given twice`);
    seen.add(c.name);
    const ipv4 = family(c.name, 4, c.bootProtocol, c.ip, problems);
    const ipv6 = family(c.name, 6, c.ipv6BootProtocol, c.ipv6, problems);
    if (c.onBoot === false) continue;
    out.push({ name: c.name, mac, ipv4, ipv6 });
  }
  return problems.length > 0 ? { problems } : { nics: out };
}
