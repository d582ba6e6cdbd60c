// SPDX-License-Identifier: Apache-2.0
/**
 * The little IPv4 arithmetic an address plan needs (subnet membership, network and broadcast
 * addresses, netmasks). Addresses are handled as unsigned 32-bit numbers. Pure.
 */
import { isIPv4 } from 'node:net';

/** A parsed `a.b.c.d/prefix`. */
export interface Ipv4Subnet {
  /** Network address as a number. */
  readonly network: number;
  readonly prefix: number;
}

/** `a.b.c.d` → number, or null when it is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | null {
  if (typeof text !== 'string' || !isIPv4(text)) return null;
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix));

/**
 * Parse `a.b.c.d/prefix`. Returns null when malformed; `hostBitsSet` tells a CIDR whose address
 * is not the network address (10.0.0.5/24), which a plan refuses rather than guesses about.
 */
export function parseIpv4Cidr(
  text: string,
): { readonly subnet: Ipv4Subnet; readonly hostBitsSet: boolean } | null {
  if (typeof text !== 'string') return null;
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!m?.[1] || m[2] === undefined) return null;
  const address = parseIpv4(m[1]);
  const prefix = Number(m[2]);
  if (address === null || prefix > 32) return null;
  const network = address - (address % 2 ** (32 - prefix));
  return { subnet: { network, prefix }, hostBitsSet: network !== address };
}

export function broadcastOf(s: Ipv4Subnet): number {
  return s.network + 2 ** (32 - s.prefix) - 1;
}

export function netmaskOf(s: Ipv4Subnet): string {
  return formatIpv4(maskOf(s.prefix));
}

/** Is `address` a usable host address of `s` (inside it, not its network or broadcast)? */
export function isHostOf(s: Ipv4Subnet, address: number): boolean {
  return address > s.network && address < broadcastOf(s);
}

export function formatCidr(s: Ipv4Subnet): string {
  return `${formatIpv4(s.network)}/${s.prefix}`;
}
