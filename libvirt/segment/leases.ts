// SPDX-License-Identifier: Apache-2.0
/**
 * dnsmasq's lease file, read as leases. One lease a line:
 * `<expiry epoch seconds, 0 = infinite> <mac> <ip> <hostname or *> <client id or *>`.
 */
import { readFile } from 'node:fs/promises';

import type { SegmentLease } from '../host-agent';

/** Parse the lease file text (unknown lines, e.g. DHCPv6 `duid` lines, are skipped). Pure. */
export function parseLeases(text: string): SegmentLease[] {
  const leases: SegmentLease[] = [];
  for (const line of text.split('\n')) {
    const [expiry, mac, ip, hostname] = line.trim().split(/\s+/);
    if (expiry === undefined || mac === undefined || ip === undefined) continue;
    if (!/^\d+$/.test(expiry) || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) continue;
    const seconds = Number(expiry);
    leases.push({
      mac: mac.toLowerCase(),
      ip,
      hostname: hostname === undefined || hostname === '*' ? null : hostname,
      expiresAt: seconds === 0 ? null : seconds * 1000,
    });
  }
  return leases.sort((a, b) => a.mac.localeCompare(b.mac));
}

/** Leases in a lease file; none when it does not exist. */
export async function readLeases(path: string): Promise<SegmentLease[]> {
  try {
    return parseLeases(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
