// SPDX-License-Identifier: Apache-2.0
/**
 * Deterministic names of everything a segment service puts on the host, derived from the
 * network's bridge name, so any of it can be found (and removed) again from the bridge name
 * alone — after a crash, without any record.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Host end of the veth pair: `aios` + 11 hex digits = 15 characters, the kernel's limit. */
const HOST_PORT = /^aios[0-9a-f]{11}$/;

/** Interface name of the namespace end (inside the namespace, so it never collides). */
export const SERVICE_IFACE = 'seg0';

/** Network namespace of a bridge's segment service (`ip netns` names are file names). */
export function namespaceOf(bridge: string): string {
  return `aio-seg-${bridge}`;
}

/** Host end of the veth pair that joins the namespace to `bridge`. */
export function hostPortOf(bridge: string): string {
  return `aios${createHash('sha256').update(bridge).digest('hex').slice(0, 11)}`;
}

/**
 * True for the host end of a segment service's veth: a bridge port that is neither the
 * network's NIC nor a VM tap, and not a host NIC either (the network layer should treat it as
 * it treats taps).
 */
export function isSegmentPort(device: string): boolean {
  return HOST_PORT.test(device);
}

/** Files of one segment service. */
export interface SegmentPaths {
  readonly dir: string;
  readonly conf: string;
  readonly dhcpHosts: string;
  readonly names: string;
  readonly leases: string;
  readonly pid: string;
  readonly log: string;
}

/** Where a segment's files live under the agent's state directory. */
export function segmentPaths(stateDir: string, bridge: string): SegmentPaths {
  const dir = join(stateDir, 'segments', bridge);
  return {
    dir,
    conf: join(dir, 'dnsmasq.conf'),
    dhcpHosts: join(dir, 'dhcp-hosts'),
    names: join(dir, 'names'),
    leases: join(dir, 'leases'),
    pid: join(dir, 'dnsmasq.pid'),
    log: join(dir, 'dnsmasq.log'),
  };
}
