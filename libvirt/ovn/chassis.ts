// SPDX-License-Identifier: Apache-2.0
/**
 * This host as an OVN chassis: ovn-controller reads `ovn-remote` (the southbound DB),
 * `ovn-encap-ip` (its Geneve endpoint) and `ovn-encap-type` from the local Open_vSwitch
 * record's external_ids; the engine sets them through {@link setupOvnChassis}.
 *
 * With the userspace datapath (no OVS kernel module) OVS routes and sends tunnel packets
 * itself, so the endpoint must be the LOCAL port of an OVS bridge holding the physical NIC
 * ("userspace tunneling"); an address on a plain kernel device would never carry a packet.
 */
import { isIPv4 } from 'node:net';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { runJson } from '../exec';
import type { OvnChassisReport, OvnChassisRequest } from '../host-agent';
import { asMap, decodeTable, vsctl } from './ovsdb';

/** `tcp:` or `ssl:` IPv4 address and port: the only remotes the engine hands out. */
const REMOTE = /^(tcp|ssl):(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/;

interface IpAddr {
  readonly ifname: string;
  readonly mtu: number;
  readonly addr_info?: readonly { readonly family: string; readonly local: string }[];
}

/** The device holding `ip` and its MTU, or null. */
async function deviceOf(ip: string): Promise<{ name: string; mtu: number } | null> {
  const links = (await runJson('ip', ['-json', 'addr', 'show'])) as IpAddr[];
  const hit = links.find((l) =>
    (l.addr_info ?? []).some((a) => a.family === 'inet' && a.local === ip),
  );
  return hit ? { name: hit.ifname, mtu: hit.mtu } : null;
}

async function openVswitch(): Promise<Record<string, string>> {
  const [row] = decodeTable(
    await vsctl(['--format=json', '--columns=external_ids', 'list', 'open_vswitch', '.']),
  );
  return asMap(row?.external_ids);
}

/** The chassis settings as OVS holds them now, or null when OVS does not answer. */
export async function reportOvnChassis(): Promise<OvnChassisReport | null> {
  let ids: Record<string, string>;
  try {
    ids = await openVswitch();
  } catch {
    return null;
  }
  const encapIp = ids['ovn-encap-ip'] ?? null;
  const device = encapIp ? await deviceOf(encapIp) : null;
  return {
    chassis: ids['system-id'] ?? '',
    remote: ids['ovn-remote'] ?? null,
    encapIp,
    datapathType: ids['ovn-bridge-datapath-type'] === 'netdev' ? 'netdev' : 'system',
    underlayMtu: device?.mtu ?? null,
  };
}

/** Point ovn-controller at `remote` with Geneve endpoint `encapIp` (idempotent). */
export async function setupOvnChassis(request: OvnChassisRequest): Promise<OvnChassisReport> {
  const invalid = (message: string): HostError =>
    new HostError(HostErrorCode.HOST_NETWORK_INVALID, message);
  const { remote, encapIp } = request;
  const m = typeof remote === 'string' ? REMOTE.exec(remote) : null;
  if (!m || !isIPv4(m[2] ?? '') || Number(m[3]) < 1 || Number(m[3]) > 65535) {
    throw invalid(`Invalid OVN southbound address ${JSON.stringify(remote)} (tcp:IPv4:port).`);
  }
  if (typeof encapIp !== 'string' || !isIPv4(encapIp)) {
    throw invalid(`Invalid tunnel address ${JSON.stringify(encapIp)} (an IPv4 address).`);
  }
  const device = await deviceOf(encapIp);
  if (!device) throw invalid(`The tunnel address ${encapIp} is not an address of this host.`);
  const ids = await openVswitch();
  if (ids['ovn-bridge-datapath-type'] === 'netdev') {
    // Userspace tunneling: the endpoint must be an OVS bridge's own (LOCAL) port.
    // `br-exists` exits 2 when there is no such bridge.
    const isBridge = await vsctl(['br-exists', device.name]).then(
      () => true,
      () => false,
    );
    if (!isBridge) {
      throw invalid(
        `The tunnel address ${encapIp} is on ${device.name}, which is not an Open vSwitch bridge: ` +
          'with the userspace datapath the Geneve endpoint must be an OVS bridge holding the NIC.',
      );
    }
  }
  if (
    ids['ovn-remote'] !== remote ||
    ids['ovn-encap-ip'] !== encapIp ||
    ids['ovn-encap-type'] !== 'geneve'
  ) {
    await vsctl([
      'set',
      'open_vswitch',
      '.',
      `external_ids:ovn-remote=${remote}`,
      `external_ids:ovn-encap-ip=${encapIp}`,
      'external_ids:ovn-encap-type=geneve',
    ]);
  }
  const report = await reportOvnChassis();
  if (!report)
    throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, 'Open vSwitch stopped answering.');
  return report;
}
