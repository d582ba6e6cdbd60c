// SPDX-License-Identifier: Apache-2.0
/**
 * "Why can't A reach B?" (issue 15), first causes from what the engine knows: a VM not up; no
 * network both are on; on a shared network, a vNIC unplugged or its link down, a guest MTU
 * (the tiny guest reports it in its ready line) different from the network's, the same IPv4
 * address or MAC twice on the segment, static addresses in different subnets, or a vNIC with
 * no static address on a network without DHCP. Each cause names the network and the values.
 * No probe is sent: `reachable` means nothing known stands in the way.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Conn } from '../../../../db/client';
import { networksRepo, vnicProfilesRepo } from '../../../../db/repos/networks.repo';
import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { parseTinyGuestReadyLine } from '../../../../libvirt/host-agent';
import type { ConnectivityCause } from '../../../contract/labs';
import type { Network } from '../../../contract/networks';
import type { Vm, VmNic } from '../../../contract/vms';
import type { Query } from '../../command';
import { effectiveMtu } from '../../host-networks';
import { notFound } from '../../validation';
import { inDomain, vmInitialization, vnicsInGuestOrder } from '../vm/vm-initialization';

/** One vNIC as the doctor sees it. */
interface NicFacts {
  readonly vm: Vm;
  readonly nic: VmNic;
  readonly network: Network;
  /** `eth0`… when the guest sees it. */
  readonly guestName: string | null;
  readonly ip: string | null;
  readonly prefix: number | null;
  /** The MTU the guest reported, when it did. */
  readonly guestMtu: number | null;
}

const toInt = (ip: string): number => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);

/** Netmask (dotted or a prefix length) → prefix length; null when not a contiguous mask. */
function prefixOf(mask: string | undefined): number | null {
  if (mask === undefined) return null;
  if (/^\d{1,2}$/.test(mask)) return Number(mask) <= 32 ? Number(mask) : null;
  const bits = mask
    .split('.')
    .map((p) => Number(p).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) && bits.length === 32
    ? bits.indexOf('0') === -1
      ? 32
      : bits.indexOf('0')
    : null;
}

const subnetOf = (ip: string, prefix: number): number =>
  prefix === 0 ? 0 : Math.floor(toInt(ip) / 2 ** (32 - prefix));

async function guestMtus(dataDir: string, vmId: string): Promise<Map<string, number>> {
  try {
    const ready = parseTinyGuestReadyLine(
      await readFile(join(dataDir, 'vms', vmId, 'serial.log'), 'utf8'),
    );
    return new Map((ready?.nics ?? []).map((n) => [n.nic, n.mtu]));
  } catch {
    return new Map();
  }
}

async function nicFacts(c: Conn, dataDir: string, vm: Vm): Promise<NicFacts[]> {
  const nics = vmNicsRepo.listByVm(c, vm.id);
  const guestOrder = vnicsInGuestOrder(nics.filter(inDomain));
  const init = vmInitialization(c, vm.id);
  const mtus = vm.status === 'down' ? new Map<string, number>() : await guestMtus(dataDir, vm.id);
  const out: NicFacts[] = [];
  for (const nic of nics) {
    if (nic.vnicProfileId === null) continue;
    const profile = vnicProfilesRepo.findById(c, nic.vnicProfileId);
    const network = profile ? networksRepo.findById(c, profile.networkId) : null;
    if (!network) continue;
    const index = guestOrder.findIndex((n) => n.id === nic.id);
    const guestName = index < 0 ? null : `eth${String(index)}`;
    const config = init?.nicConfigurations.find(
      (x) => x.name === guestName && x.bootProtocol === 'static' && x.onBoot !== false,
    );
    const ip = config?.ip?.address ?? null;
    out.push({
      vm,
      nic,
      network,
      guestName,
      ip,
      prefix: ip === null ? null : prefixOf(config?.ip?.netmask),
      guestMtu: guestName === null ? null : (mtus.get(guestName) ?? null),
    });
  }
  return out;
}

/** Causes on one shared network, for the pair's vNICs `a` and `b`. */
function onNetwork(
  net: Network,
  a: NicFacts,
  b: NicFacts,
  others: readonly NicFacts[],
): ConnectivityCause[] {
  const causes: ConnectivityCause[] = [];
  const add = (code: ConnectivityCause['code'], detail: string): void => {
    causes.push({ code, network: net.name, detail });
  };
  const mtu = effectiveMtu(net.mtu);
  for (const x of [a, b]) {
    const who = `${x.vm.name}/${x.nic.name}`;
    if (!x.nic.plugged) add('nic_unplugged', `${who} on ${net.name} is unplugged`);
    else if (!x.nic.linked) add('link_down', `${who} on ${net.name} has its link down`);
    if (x.guestMtu !== null && x.guestMtu !== mtu)
      add(
        'mtu_mismatch',
        `${who} (${x.guestName ?? ''}) runs MTU ${x.guestMtu}, network ${net.name} has MTU ${mtu}`,
      );
    if (x.ip === null && net.addressPlan === null)
      add(
        'no_address',
        `${who} has no static address and ${net.name} has no DHCP (no address plan)`,
      );
  }
  if (
    a.guestMtu !== null &&
    b.guestMtu !== null &&
    a.guestMtu !== b.guestMtu &&
    !causes.some((c) => c.code === 'mtu_mismatch')
  )
    add(
      'mtu_mismatch',
      `${a.vm.name} runs MTU ${a.guestMtu}, ${b.vm.name} runs MTU ${b.guestMtu} on ${net.name}`,
    );
  const segment = [a, b, ...others];
  for (const x of [a, b]) {
    const sameMac = segment.filter(
      (y) => y !== x && y.nic.mac.toLowerCase() === x.nic.mac.toLowerCase(),
    );
    if (sameMac.length > 0 && !(x === b && sameMac.includes(a)))
      add(
        'duplicate_mac',
        `MAC ${x.nic.mac} of ${x.vm.name} is also ${sameMac.map((y) => `${y.vm.name}/${y.nic.name}`).join(', ')}'s on ${net.name}`,
      );
    if (x.ip === null) continue;
    const sameIp = segment.filter((y) => y !== x && y.ip === x.ip);
    if (sameIp.length > 0 && !(x === b && sameIp.includes(a)))
      add(
        'duplicate_ip',
        `${x.ip} of ${x.vm.name} is also ${sameIp.map((y) => y.vm.name).join(', ')}'s on ${net.name}`,
      );
  }
  if (a.ip !== null && b.ip !== null && a.prefix !== null && b.prefix !== null && a.ip !== b.ip) {
    const p = Math.min(a.prefix, b.prefix);
    if (a.prefix !== b.prefix || subnetOf(a.ip, p) !== subnetOf(b.ip, p))
      add(
        'different_subnets',
        `${a.vm.name} has ${a.ip}/${a.prefix}, ${b.vm.name} has ${b.ip}/${b.prefix} on ${net.name}: not one subnet`,
      );
  }
  return causes;
}

export const DiagnoseConnectivity: Query<'DiagnoseConnectivity'> = async (ctx, input) => {
  const c = ctx.database.db;
  const vm = vmsRepo.findById(c, input.vmId);
  if (!vm) throw notFound('vm', input.vmId);
  const peer = vmsRepo.findById(c, input.peerId);
  if (!peer) throw notFound('vm', input.peerId);
  const causes: ConnectivityCause[] = [];
  for (const v of [vm, peer]) {
    if (v.status !== 'up')
      causes.push({
        code: 'vm_down',
        network: null,
        detail: `${v.name} is ${v.status.replace(/_/g, ' ')}`,
      });
  }
  const [mine, theirs] = [await nicFacts(c, ctx.dataDir, vm), await nicFacts(c, ctx.dataDir, peer)];
  const shared = [...new Set(mine.map((n) => n.network.id))].filter((id) =>
    theirs.some((t) => t.network.id === id),
  );
  if (shared.length === 0) {
    const names = (l: readonly NicFacts[]): string =>
      [...new Set(l.map((n) => n.network.name))].join(', ') || 'no network';
    causes.push({
      code: 'different_networks',
      network: null,
      detail: `${vm.name} is on ${names(mine)}; ${peer.name} is on ${names(theirs)}`,
    });
  }
  let clearPath = false;
  for (const netId of shared) {
    const a = mine.find((n) => n.network.id === netId);
    const b = theirs.find((n) => n.network.id === netId);
    if (a === undefined || b === undefined) continue;
    const others: NicFacts[] = [];
    for (const u of vmsRepo.listUsingNetwork(c, netId)) {
      if (u.id === vm.id || u.id === peer.id) continue;
      others.push(...(await nicFacts(c, ctx.dataDir, u)).filter((n) => n.network.id === netId));
    }
    const found = onNetwork(a.network, a, b, others);
    if (found.length === 0) clearPath = true;
    causes.push(...found);
  }
  const down = causes.some((x) => x.code === 'vm_down');
  return {
    vmId: vm.id,
    peerId: peer.id,
    sharedNetworks: shared.map((id) => mine.find((n) => n.network.id === id)?.network.name ?? id),
    reachable: !down && clearPath,
    // A path that is clear makes the other networks' problems beside the point.
    causes: !down && clearPath ? [] : causes,
  };
};
