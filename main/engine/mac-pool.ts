// SPDX-License-Identifier: Apache-2.0
/**
 * MAC allocation. oVirt's default pool is 00:1a:4a:16:01:51–00:1a:4a:16:01:e6 (150
 * addresses); an All-in-One lab needs more, so we keep oVirt's OUI (00:1a:4a, Qumranet/Red
 * Hat) and widen to 00:1a:4a:16:00:00–00:1a:4a:16:ff:ff. Lowest free address first, so
 * allocation is deterministic (tests, reproducible labs).
 */
export const MAC_POOL_START = 0x001a4a160000;
export const MAC_POOL_END = 0x001a4a16ffff;

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** Format a 48-bit integer as `xx:xx:xx:xx:xx:xx`. */
export function macToString(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return [0, 2, 4, 6, 8, 10].map((i) => hex.slice(i, i + 2)).join(':');
}

/** Normalize a MAC (lower case); null when it is not a valid unicast MAC. */
export function normalizeMac(mac: string): string | null {
  const m = mac.trim().toLowerCase().replace(/-/g, ':');
  if (!MAC.test(m)) return null;
  // Multicast bit set in the first octet: not usable for a vNIC.
  if ((parseInt(m.slice(0, 2), 16) & 1) === 1) return null;
  return m;
}

/** The lowest pool address not in `used`, or null when the pool is exhausted. */
export function allocateMac(used: Iterable<string>): string | null {
  const taken = new Set([...used].map((m) => m.toLowerCase()));
  for (let n = MAC_POOL_START; n <= MAC_POOL_END; n++) {
    const mac = macToString(n);
    if (!taken.has(mac)) return mac;
  }
  return null;
}
