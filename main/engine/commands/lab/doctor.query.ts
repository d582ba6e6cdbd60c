// SPDX-License-Identifier: Apache-2.0
/**
 * "Why can't A reach B?" (issue 15), first causes from what the engine knows: a VM not up; no
 * network both are on; on a shared network, a vNIC unplugged or its link down, a guest MTU
 * (the tiny guest reports it in its ready line) different from the network's, the same IPv4
 * address or MAC twice on the segment, static addresses in different subnets, or a vNIC with
 * no static address on a network without DHCP. Each cause names the network and the values.
 * Then what the host shows (doctor-host.ts): the bridge out of sync with the engine, its
 * isolation rules broken, a DHCP vNIC without a lease. Without `probe`, `reachable` means
 * nothing known stands in the way; with it, A pings B from inside the guest (doctor-probe.ts)
 * and the answer decides, shown as evidence.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Conn } from '../../../../db/client';
import { networksRepo, vnicProfilesRepo } from '../../../../db/repos/networks.repo';
import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { parseTinyGuestReadyLine } from '../../../../libvirt/host-agent';
import type { ConnectivityCause, ConnectivityProbe } from '../../../contract/labs';
import type { Network } from '../../../contract/networks';
import type { Vm, VmNic } from '../../../contract/vms';
import type { Query } from '../../command';
import type { EngineContext } from '../../context';
import { effectiveMtu } from '../../host-networks';
import { notFound } from '../../validation';
import { inDomain, vmInitialization, vnicsInGuestOrder } from '../vm/vm-initialization';
import { bridgeCauses, dhcpLease } from './doctor-host';
import { pingFromConsole } from './doctor-probe';

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
  /** True when the vNIC has no static address and its network's address plan serves DHCP. */
  readonly dhcp: boolean;
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
      dhcp: ip === null && network.addressPlan !== null && network.addressPlan !== undefined,
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
  const down = causes.length > 0;
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
  const probeTargets: { network: Network; address: string | null; clear: boolean }[] = [];
  for (const netId of shared) {
    let a = mine.find((n) => n.network.id === netId);
    let b = theirs.find((n) => n.network.id === netId);
    if (a === undefined || b === undefined) continue;
    const others: NicFacts[] = [];
    for (const u of vmsRepo.listUsingNetwork(c, netId)) {
      if (u.id === vm.id || u.id === peer.id) continue;
      others.push(...(await nicFacts(c, ctx.dataDir, u)).filter((n) => n.network.id === netId));
    }
    // A running guest that asks DHCP has the address the segment leased to its MAC.
    const hostFound: ConnectivityCause[] = [];
    const leased = async (x: NicFacts): Promise<NicFacts> => {
      if (!x.dhcp || x.vm.status !== 'up') return x;
      const lease = await dhcpLease(ctx, x.network, x.vm.name, x.nic);
      if (lease.cause !== null) hostFound.push(lease.cause);
      const cidr = x.network.addressPlan?.subnet.cidr ?? '';
      const prefix = Number(cidr.split('/')[1] ?? 'NaN');
      return lease.ip === null
        ? x
        : { ...x, ip: lease.ip, prefix: Number.isInteger(prefix) ? prefix : null };
    };
    a = await leased(a);
    b = await leased(b);
    if (!down) hostFound.push(...(await bridgeCauses(ctx, a.network)));
    const found = [...onNetwork(a.network, a, b, others), ...hostFound];
    if (found.length === 0) clearPath = true;
    causes.push(...found);
    probeTargets.push({ network: a.network, address: b.ip, clear: found.length === 0 });
  }
  const verdict = !down && clearPath;
  const probe = input.probe === true ? await proof(ctx, vm, peer, down, probeTargets) : null;
  return {
    vmId: vm.id,
    peerId: peer.id,
    sharedNetworks: shared.map((id) => mine.find((n) => n.network.id === id)?.network.name ?? id),
    // A probe that ran decides; otherwise nothing known standing in the way does.
    reachable: probe?.reached ?? verdict,
    // A path that is clear makes the other networks' problems beside the point.
    causes: verdict ? [] : causes,
    ...(input.probe === true ? { probe } : {}),
  };
};

/**
 * The proof: A pings B's address on the first clear shared network (else the first shared one
 * where B's address is known) from its serial console. Without a shared network, B's address on
 * any of its networks is tried, so the evidence shows the failure too.
 */
async function proof(
  ctx: EngineContext,
  vm: Vm,
  peer: Vm,
  down: boolean,
  targets: readonly { network: Network; address: string | null; clear: boolean }[],
): Promise<ConnectivityProbe> {
  let target =
    targets.find((t) => t.clear && t.address !== null) ?? targets.find((t) => t.address !== null);
  if (target === undefined && !down) {
    // No shared network: B's address anywhere, to show A cannot get there.
    for (const n of await nicFacts(ctx.database.db, ctx.dataDir, peer)) {
      const ip = n.ip ?? (n.dhcp ? (await dhcpLease(ctx, n.network, peer.name, n.nic)).ip : null);
      if (ip !== null) {
        target = { network: n.network, address: ip, clear: false };
        break;
      }
    }
  }
  const none = (evidence: string): ConnectivityProbe => ({
    network: target?.network.name ?? null,
    address: target?.address ?? null,
    command: '',
    reached: null,
    evidence,
  });
  if (vm.status !== 'up') return none(`${vm.name} is not up: no console to ping from`);
  if (target === undefined || target.address === null)
    return none(`no address of ${peer.name} is known to ping`);
  let session;
  try {
    session = await ctx.host.domainConsole(vm.id);
  } catch (error) {
    return none(
      `the console of ${vm.name} cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const result = await pingFromConsole(session, target.address);
  return { network: target.network.name, address: target.address, ...result };
}
