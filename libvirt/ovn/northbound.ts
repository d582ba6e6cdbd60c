// SPDX-License-Identifier: Apache-2.0
/**
 * The central's side of OVN networks (our ovirt-provider-ovn): each engine network backed by
 * OVN is one logical switch in the northbound DB, found by `external_ids:aio-network-id`, with
 *
 * - no localnet port: an isolated network reaches nothing outside its switch;
 * - one logical switch port per VM NIC, named by the NIC's UUID (libvirt's `interfaceid`, the
 *   `iface-id` ovn-controller binds on a host's br-int), with port security on its MAC/IP;
 * - the address plan as OVN's own DHCP_Options (cidr, server_id/server_mac, lease, MTU, DNS
 *   server, domain) and a DNS row of name → address: ovn-controller answers DHCP and DNS on
 *   the chassis where the port is bound, so no host address is ever involved;
 * - a `localport` port holding the DHCP/DNS server address, so ARP for it is answered locally
 *   on every chassis (guests send DNS queries to it; OVN intercepts them).
 *
 * Every function converges (idempotent): a crash half-way is repaired by running it again.
 */
import { isIPv4 } from 'node:net';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { OvnPortSpec, OvnSwitchReport, OvnSwitchSpec } from '../host-agent';
import { asList, asMap, decodeTable, nbctl, quote, sbctl, text } from './ovsdb';

const ID_KEY = 'aio-network-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const invalid = (message: string): HostError =>
  new HostError(HostErrorCode.HOST_NETWORK_INVALID, message);

/** Logical switch name of a network (names are unique in the NB DB; ids are UUIDs). */
export const switchName = (networkId: string): string => `aio-${networkId}`;
/** The localport answering ARP for the DHCP/DNS server address. */
export const serverPortName = (networkId: string): string => `aio-srv-${networkId}`;

function checkId(kind: string, id: string): void {
  if (typeof id !== 'string' || !UUID.test(id))
    throw invalid(`Invalid ${kind} id ${JSON.stringify(id)}.`);
}

function checkPort(p: OvnPortSpec): void {
  checkId('NIC', p.id);
  if (!MAC.test(p.mac))
    throw invalid(`Invalid MAC address ${JSON.stringify(p.mac)} for NIC ${p.id}.`);
  if (p.ipv4 !== null && !isIPv4(p.ipv4))
    throw invalid(`Invalid IPv4 address ${JSON.stringify(p.ipv4)} for NIC ${p.id}.`);
  for (const n of p.names)
    if (!DNS_NAME.test(n)) throw invalid(`Invalid DNS name ${JSON.stringify(n)}.`);
}

/** UUIDs of rows of `table` tagged with this network. */
async function rowsOf(table: string, networkId: string): Promise<string[]> {
  const out = await nbctl([
    '--bare',
    '--columns=_uuid',
    'find',
    table,
    `external_ids:${ID_KEY}=${networkId}`,
  ]);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The `lsp-set-addresses` value of a port: "MAC IP" or just "MAC". */
const portAddress = (p: OvnPortSpec): string => (p.ipv4 ? `${p.mac} ${p.ipv4}` : p.mac);

/** Create or converge the switch of `spec.networkId`; returns what the DBs then hold. */
export async function setupOvnSwitch(spec: OvnSwitchSpec): Promise<OvnSwitchReport> {
  checkId('network', spec.networkId);
  if (!Number.isInteger(spec.mtu) || spec.mtu < 576 || spec.mtu > 65000)
    throw invalid(`Invalid MTU ${String(spec.mtu)}.`);
  spec.ports.forEach(checkPort);
  const ls = switchName(spec.networkId);
  // 1. The switch (no localnet port is ever added), its name and MTU kept for the read-back.
  await nbctl([
    '--may-exist',
    'ls-add',
    ls,
    '--',
    'set',
    'logical_switch',
    ls,
    `external_ids:${ID_KEY}=${spec.networkId}`,
    `external_ids:aio-network-name=${quote(spec.name)}`,
    `external_ids:aio-mtu=${spec.mtu}`,
  ]);
  // 2. DHCP options and DNS records, or none.
  let dhcpUuid: string | null = null;
  const srv = serverPortName(spec.networkId);
  if (spec.dhcp) {
    const d = spec.dhcp;
    if (!isIPv4(d.serverIp) || !MAC.test(d.serverMac))
      throw invalid('Invalid DHCP server address.');
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(d.cidr))
      throw invalid(`Invalid subnet ${JSON.stringify(d.cidr)}.`);
    if (d.domain !== null && !DNS_NAME.test(d.domain))
      throw invalid(`Invalid DNS domain ${JSON.stringify(d.domain)}.`);
    [dhcpUuid = null] = await rowsOf('dhcp_options', spec.networkId);
    if (dhcpUuid === null) {
      dhcpUuid = (
        await nbctl([
          'create',
          'dhcp_options',
          `cidr=${d.cidr}`,
          `external_ids:${ID_KEY}=${spec.networkId}`,
        ])
      ).trim();
    }
    await nbctl([
      'set',
      'dhcp_options',
      dhcpUuid,
      `cidr=${d.cidr}`,
      '--',
      'dhcp-options-set-options',
      dhcpUuid,
      `lease_time=${d.leaseSeconds}`,
      `server_id=${d.serverIp}`,
      `server_mac=${d.serverMac}`,
      `mtu=${spec.mtu}`,
      `dns_server=${d.serverIp}`,
      ...(d.domain ? [`domain_name=${quote(d.domain)}`] : []),
    ]);
    await nbctl([
      '--may-exist',
      'lsp-add',
      ls,
      srv,
      '--',
      'lsp-set-type',
      srv,
      'localport',
      '--',
      'lsp-set-addresses',
      srv,
      `${d.serverMac} ${d.serverIp}`,
    ]);
  } else {
    for (const u of await rowsOf('dhcp_options', spec.networkId))
      await nbctl(['dhcp-options-del', u]);
    await nbctl(['--if-exists', 'lsp-del', srv]);
  }
  const records: Record<string, string> = {};
  for (const p of spec.ports) if (p.ipv4) for (const n of p.names) records[n] = p.ipv4;
  const [dnsUuid] = await rowsOf('dns', spec.networkId);
  const recordArg = `records={${Object.entries(records)
    .map(([n, a]) => `${quote(n)}=${quote(a)}`)
    .join(',')}}`;
  if (dnsUuid) await nbctl(['set', 'dns', dnsUuid, recordArg]);
  else {
    await nbctl([
      '--id=@d',
      'create',
      'dns',
      recordArg,
      `external_ids:${ID_KEY}=${spec.networkId}`,
      '--',
      'add',
      'logical_switch',
      ls,
      'dns_records',
      '@d',
    ]);
  }
  // 3. Ports: remove the ones no NIC has any more, converge the others.
  const wanted = new Set(spec.ports.map((p) => p.id));
  for (const name of (await nbctl(['lsp-list', ls])).split('\n')) {
    const m = /\((.+)\)\s*$/.exec(name);
    const port = m?.[1];
    if (port && port !== srv && !wanted.has(port)) await nbctl(['--if-exists', 'lsp-del', port]);
  }
  for (const p of spec.ports) {
    const addr = portAddress(p);
    await nbctl([
      '--may-exist',
      'lsp-add',
      ls,
      p.id,
      '--',
      'lsp-set-addresses',
      p.id,
      addr,
      '--',
      // Port security: the guest may only send from its own MAC (and address).
      'lsp-set-port-security',
      p.id,
      addr,
      '--',
      'set',
      'logical_switch_port',
      p.id,
      `external_ids:${ID_KEY}=${spec.networkId}`,
      ...(p.ipv4 && dhcpUuid ? ['--', 'lsp-set-dhcpv4-options', p.id, dhcpUuid] : []),
    ]);
    if (!(p.ipv4 && dhcpUuid))
      await nbctl(['clear', 'logical_switch_port', p.id, 'dhcpv4_options']);
  }
  const report = await reportOvnSwitch(spec.networkId);
  if (!report)
    throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, `Logical switch ${ls} vanished.`);
  return report;
}

/** Read a network's switch back from the NB (and port bindings from the SB) DB. */
export async function reportOvnSwitch(networkId: string): Promise<OvnSwitchReport | null> {
  checkId('network', networkId);
  const [ls] = decodeTable(
    await nbctl([
      '--format=json',
      '--columns=_uuid,name,ports,dns_records,external_ids',
      'find',
      'logical_switch',
      `external_ids:${ID_KEY}=${networkId}`,
    ]),
  );
  if (!ls) return null;
  const portUuids = new Set(asList(ls.ports));
  const lsps = decodeTable(
    await nbctl([
      '--format=json',
      '--columns=_uuid,name,type,addresses,up',
      'list',
      'logical_switch_port',
    ]),
  ).filter((p) => portUuids.has(text(p._uuid)));
  const [dhcp] = decodeTable(
    await nbctl([
      '--format=json',
      '--columns=cidr,options',
      'find',
      'dhcp_options',
      `external_ids:${ID_KEY}=${networkId}`,
    ]),
  );
  const [dns] = decodeTable(
    await nbctl([
      '--format=json',
      '--columns=records',
      'find',
      'dns',
      `external_ids:${ID_KEY}=${networkId}`,
    ]),
  );
  const chassisName = new Map(
    decodeTable(await sbctl(['--format=json', '--columns=_uuid,name', 'list', 'chassis'])).map(
      (c) => [text(c._uuid), text(c.name)],
    ),
  );
  const bindings = new Map(
    decodeTable(
      await sbctl(['--format=json', '--columns=logical_port,chassis', 'list', 'port_binding']),
    ).map((b) => [text(b.logical_port), asList(b.chassis)[0] ?? null]),
  );
  const ids = asMap(ls.external_ids);
  const srv = serverPortName(networkId);
  return {
    networkId,
    switchName: text(ls.name),
    localnetPorts: lsps.filter((p) => p.type === 'localnet').length,
    mtu: ids['aio-mtu'] ? Number(ids['aio-mtu']) : null,
    dhcpCidr: dhcp ? text(dhcp.cidr) : null,
    dhcpOptions: asMap(dhcp?.options),
    dnsRecords: asMap(dns?.records),
    ports: lsps
      .filter((p) => p.name !== srv)
      .map((p) => {
        const bound = bindings.get(text(p.name)) ?? null;
        return {
          id: text(p.name),
          addresses: asList(p.addresses),
          chassis: bound ? (chassisName.get(bound) ?? null) : null,
          up: asList(p.up)[0] === 'true',
        };
      }),
  };
}

/** Remove a network's switch (its ports go with it), DHCP options and DNS row. Idempotent. */
export async function removeOvnSwitch(networkId: string): Promise<void> {
  checkId('network', networkId);
  await nbctl(['--if-exists', 'ls-del', switchName(networkId)]);
  for (const u of await rowsOf('dhcp_options', networkId)) await nbctl(['dhcp-options-del', u]);
  for (const u of await rowsOf('dns', networkId)) await nbctl(['--if-exists', 'destroy', 'dns', u]);
}

/**
 * Let the southbound DB listen on `address` only (TCP 6642), replacing the connections this
 * host layer added before (tagged `external_ids:aio-lab=sb`); the DB's unix socket stays.
 */
export async function setupOvnCentral(address: string): Promise<void> {
  if (typeof address !== 'string' || !isIPv4(address))
    throw invalid(`Invalid OVN central address ${JSON.stringify(address)}.`);
  const target = `ptcp:6642:${address}`;
  const ours = decodeTable(
    await sbctl([
      '--format=json',
      '--columns=_uuid,target',
      'find',
      'connection',
      'external_ids:aio-lab=sb',
    ]),
  );
  if (ours.length === 1 && ours[0]?.target === target) return;
  for (const c of ours) await sbctl(['remove', 'sb_global', '.', 'connections', text(c._uuid)]);
  await sbctl([
    '--id=@c',
    'create',
    'connection',
    `target=${quote(target)}`,
    'external_ids:aio-lab=sb',
    '--',
    'add',
    'sb_global',
    '.',
    'connections',
    '@c',
  ]);
}
