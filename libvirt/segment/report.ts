// SPDX-License-Identifier: Apache-2.0
/**
 * Third step of setupSegmentServices, and `reportSegmentServices`: read the segment service
 * back from the host — namespace, veth host end (its master and that it holds no address),
 * the service address inside the namespace, dnsmasq alive and listening on 67/udp and 53.
 */
import { readFile } from 'node:fs/promises';

import { runJson } from '../exec';
import type { SegmentReport } from '../host-agent';
import { linkExists, namespaceExists, readPid } from './apply';
import { hostPortOf, namespaceOf, type SegmentPaths, SERVICE_IFACE } from './names';

interface AddrJson {
  ifname?: string;
  master?: string;
  mtu?: number;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

const cidrs = (entry: AddrJson | undefined, family?: string): string[] =>
  (entry?.addr_info ?? [])
    .filter((a) => a.local !== undefined && (family === undefined || a.family === family))
    .map((a) => `${a.local}/${a.prefixlen}`);

/**
 * Local ports in a /proc/net/{udp,tcp} table; for TCP only listening sockets (state 0A). Pure.
 */
export function listeningPorts(table: string, tcp: boolean): Set<number> {
  const ports = new Set<number>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    if (local === undefined || (tcp && state !== '0A')) continue;
    const port = Number.parseInt(local.split(':')[1] ?? '', 16);
    if (Number.isInteger(port)) ports.add(port);
  }
  return ports;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/** The segment service of `network` as it is now; `enabled` says whether a plan is recorded. */
export async function readSegment(
  network: string,
  paths: SegmentPaths,
  enabled: boolean,
): Promise<SegmentReport> {
  const ns = namespaceOf(network);
  const port = hostPortOf(network);
  const problems: string[] = [];
  const nsUp = await namespaceExists(ns);
  let hostPort: AddrJson | undefined;
  if (await linkExists(port)) {
    const list = (await runJson('ip', ['-json', 'addr', 'show', 'dev', port])) as AddrJson[];
    hostPort = list[0];
  }
  let service: string[] = [];
  if (nsUp) {
    try {
      const list = (await runJson('ip', [
        '-n',
        ns,
        '-json',
        'addr',
        'show',
        'dev',
        SERVICE_IFACE,
      ])) as AddrJson[];
      service = cidrs(list[0], 'inet');
    } catch {
      service = [];
    }
  }
  const pid = await readPid(paths);
  let dhcp = false;
  let dns = false;
  if (pid !== null) {
    // /proc/<pid>/net shows the sockets of the namespace the process lives in.
    const udp = listeningPorts(await readText(`/proc/${pid}/net/udp`), false);
    const tcp = listeningPorts(await readText(`/proc/${pid}/net/tcp`), true);
    dhcp = udp.has(67);
    dns = udp.has(53) && tcp.has(53);
  }
  const hostPortAddresses = cidrs(hostPort);
  if (enabled) {
    if (!nsUp) problems.push(`namespace ${ns} is missing`);
    if (hostPort === undefined) problems.push(`veth ${port} is missing`);
    else if (hostPort.master !== network)
      problems.push(
        `veth ${port} is not a port of ${network} (master ${hostPort.master ?? 'none'})`,
      );
    if (service.length === 0) problems.push('the service address is missing');
    if (pid === null) problems.push('dnsmasq is not running');
    else if (!dhcp || !dns) problems.push('dnsmasq is not listening on 67/udp and 53');
  } else {
    if (nsUp) problems.push(`namespace ${ns} is left over`);
    if (hostPort !== undefined) problems.push(`veth ${port} is left over`);
    if (pid !== null) problems.push(`dnsmasq ${pid} is left over`);
  }
  if (hostPortAddresses.length > 0)
    problems.push(`the host holds addresses on ${port}: ${hostPortAddresses.join(', ')}`);
  return {
    network,
    enabled,
    running: enabled && problems.length === 0,
    namespace: nsUp ? ns : null,
    serviceAddress: service[0] ?? null,
    hostPort: hostPort === undefined ? null : port,
    hostPortMaster: hostPort?.master ?? null,
    hostPortAddresses,
    dnsmasqPid: pid,
    listening: { dhcp, dns },
    problems,
  };
}
