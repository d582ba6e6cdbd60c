// SPDX-License-Identifier: Apache-2.0
/** IPv4 arithmetic for lab-file checks (inputs already match the schema's patterns). */

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => String((n >>> s) & 255)).join('.');
}

export function splitCidr(cidr: string): { ip: string; prefix: number } {
  const [ip = '', prefix = '32'] = cidr.split('/');
  return { ip, prefix: Number(prefix) };
}

export function netmaskOfPrefix(prefix: number): string {
  return intToIpv4(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const { ip: base, prefix } = splitCidr(cidr);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (ipv4ToInt(ip) & mask) >>> 0 === (ipv4ToInt(base) & mask) >>> 0;
}
