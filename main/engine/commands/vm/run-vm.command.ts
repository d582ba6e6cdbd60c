// SPDX-License-Identifier: Apache-2.0
/**
 * RunVm. Scheduling on an All-in-One appliance is one question: is the local host Up and
 * does it carry every network the VM's vNICs use? Then: tx 1 marks the VM `wait_for_launch`
 * (with a compensation snapshot) → the host layer defines and starts the domain → tx 2 marks
 * it `up`. The VM's cloud-init `initialization` (or a run-once one, oVirt `use_cloud_init` +
 * `vm.initialization`, used for this boot only) reaches a disk-image guest as a NoCloud seed
 * the host builds and attaches as a CD-ROM, and the tiny guest as addresses on its kernel
 * command line: one input, two paths. The seed is rebuilt at every start (its instance id
 * changes with the configuration, so cloud-init applies a changed one); a start without
 * cloud-init removes a stale seed. A failed seed build or start leaves no seed behind.
 */
import { join } from 'node:path';

import { hostRemoteRepo } from '../../../../db/repos/host-remote.repo';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import type { IntentRecord } from '../../../../db/repos/intents.repo';
import { networksRepo, vnicProfilesRepo } from '../../../../db/repos/networks.repo';
import { nowIso } from '../../../../db/repos/rows';
import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import {
  type CloudInitSeedRequest,
  type DomainBoot,
  type DomainDesc,
  type DomainInterfaceDesc,
  type GuestNicAddress,
  type GuestNicDhcp,
  tinyAddressesFor,
} from '../../../../libvirt/host-agent';
import { HostError } from '../../../contract/errors';
import type { Network } from '../../../contract/networks';
import type { PlacementPolicy } from '../../../contract/placement';
import { HIDDEN_PASSWORD, type Initialization, type Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import type { EngineServices } from '../../context';
import { effectiveMtu, hostFailure, withProgress } from '../../host-networks';
import { dropIntent, restoreIntent } from '../../intent-steps';
import { runIntent } from '../../intents';
import { syncOvnNetworksOfVm } from '../../ovn/ovn-network';
import { resolvePlacement, scheduleVm } from '../../placement';
import { failWith, invalid, notFound, valid } from '../../validation';
import { validateHypervisorAnswers } from '../../validators/host.validator';
import { validateVmTransition } from '../../validators/vm.validator';
import { contextForHost } from '../host-lifecycle/on-host-agent';
import { vmDomainDisks } from '../storage/vm-disks';
import { runCdrom } from './cdrom-common';
import {
  guestInitialization,
  inDomain,
  initializationFailure,
  vmInitialization,
  vnicsInGuestOrder,
} from './vm-initialization';

interface Plan {
  readonly vm: Vm;
  readonly desc: DomainDesc;
  readonly hostId: string;
  /** The NoCloud seed to build and attach (disk-image VMs with an initialization), or null. */
  readonly seed: CloudInitSeedRequest | null;
  /** Issue 16: the ISO disk in the CD-ROM for this start (null = empty). */
  readonly cdromDiskId: string | null;
}

/** Netmask (dotted or prefix length) → prefix length; null when not a contiguous mask. */
export function prefixOf(netmask: string): number | null {
  if (/^\d{1,2}$/.test(netmask)) {
    const p = Number(netmask);
    return p <= 32 ? p : null;
  }
  const parts = netmask.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return null;
  const bits = parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : null;
}

/** On-host tap name for a vNIC: deterministic, ≤ 15 characters, so statistics can find it. */
export const tapNameOf = (vnicId: string): string =>
  `ta${vnicId.replace(/[^0-9a-zA-Z]/g, '').slice(0, 13)}`;

/** libvirt domain name: readable and unique (VM names may contain any character). */
export const domainNameOf = (vm: Pick<Vm, 'id' | 'name'>): string =>
  `${vm.name.replace(/[^0-9a-zA-Z_.-]/g, '_').slice(0, 40)}-${vm.id.slice(0, 8)}`;

/**
 * The initialization this start uses: none when `use_cloud_init` is false; the run-once one
 * (its masked password = the stored one) or the stored one; an empty one when `use_cloud_init`
 * is true and nothing is stored (the guest still gets its host name).
 */
export function effectiveInitialization(
  stored: Initialization | null,
  runOnce: Initialization | undefined,
  useCloudInit: boolean | undefined,
): Initialization | null {
  if (useCloudInit === false) return null;
  if (runOnce !== undefined) {
    if (runOnce.rootPassword !== HIDDEN_PASSWORD) return runOnce;
    const rest = { ...runOnce };
    delete rest.rootPassword;
    return stored?.rootPassword === undefined
      ? rest
      : { ...rest, rootPassword: stored.rootPassword };
  }
  return stored ?? (useCloudInit === true ? { nicConfigurations: [] } : null);
}

/** A DNS label or name usable as the guest's host name, from the VM name; else undefined. */
const hostNameOf = (name: string): string | undefined =>
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(name) ? name : undefined;

export const RunVmCommand = defineCommand<'RunVm', Plan>({
  action: 'run',
  type: 'VM',
  auditCode: 'USER_RUN_VM',
  // Issue 17: every host's networks (the VM may be placed on any of them; one or a few hosts).
  locks: (ctx, input) => [
    lockKey.vm(input.id),
    lockKey.hostNetworks(ctx.localHostId),
    ...hostsRepo.list(ctx.database.db).map((h) => lockKey.hostNetworks(h.id)),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.id);
    if (!vm) throw notFound('vm', input.id);
    if (vm.status === 'image_locked')
      return invalid(
        failWith('ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED', { vmName: vm.name }).failure,
      );
    const t = validateVmTransition(vm.status, 'run');
    if (t) return invalid(t);
    // Storage (issue 11): a VM boots from its plugged disks unless it is the tiny guest.
    const vmDisks = vmDomainDisks(c, vm.id);
    if (vmDisks.failure) return invalid(vmDisks.failure);
    // Issue 16: the CD-ROM (run once: this start's ISO) and boot order (run once: this start's).
    const cdrom = runCdrom(c, vm.id, input.cdromFileId);
    if (!cdrom.ok) return invalid(cdrom.failure);
    const bootDevices = input.bootDevices ?? vm.bootDevices ?? ['hd'];
    const bootsFromCd = cdrom.path !== null && bootDevices.includes('cdrom');
    if (vm.boot.kind !== 'tiny' && vmDisks.disks.length === 0 && !bootsFromCd)
      return invalid(failWith('VM_CANNOT_RUN_FROM_DISK_WITHOUT_DISK').failure);
    const silent = validateHypervisorAnswers(c, vm.clusterId);
    if (silent) return invalid(silent);
    const nics = vnicsInGuestOrder(vmNicsRepo.listByVm(c, vm.id));
    const wired: { nic: (typeof nics)[number]; network: Network }[] = [];
    for (const nic of nics) {
      if (!inDomain(nic) || nic.vnicProfileId === null) continue;
      const profile = vnicProfilesRepo.findById(c, nic.vnicProfileId);
      const network = profile ? networksRepo.findById(c, profile.networkId) : null;
      if (network) wired.push({ nic, network });
    }
    // Issue 17: the host it runs on (placement.ts): its placement policy, or a run-once one.
    let runOnce: PlacementPolicy | undefined;
    if (input.placementPolicy !== undefined) {
      const r = resolvePlacement(c, vm.clusterId, input.placementPolicy, vm.placementPolicy);
      if (!r.ok) return invalid(r.failure);
      runOnce = r.policy;
    }
    const bridged = wired.filter((w) => !w.network.externalProviderId);
    const placed = scheduleVm(ctx, vm, {
      // An OVN network is on every chassis: it has no host attachment to filter hosts by.
      networkIds: [...new Set(bridged.map((w) => w.network.id))],
      networkNames: new Map(bridged.map((w) => [w.network.id, w.network.name])),
      usesEngineStorage: vmDisks.disks.length > 0 || cdrom.path !== null,
      ...(runOnce ? { runOnce } : {}),
    });
    if (!placed.ok) return invalid(placed.failure);
    const host = placed.host;
    // Issue 17: a NIC on an OVN network is a port of br-int bound by iface-id = the NIC's id
    // (its logical switch port, synced at start); its MTU is the tunnel's usable MTU as stored.
    const interfaces: DomainInterfaceDesc[] = wired.map(({ nic, network }) =>
      network.externalProviderId
        ? {
            mac: nic.mac,
            bridge: network.vdsmName,
            mtu: network.mtu,
            model: nic.interface,
            tap: tapNameOf(nic.id),
            ovnPort: nic.id,
          }
        : {
            mac: nic.mac,
            bridge: network.vdsmName,
            mtu: effectiveMtu(network.mtu),
            model: nic.interface,
            tap: tapNameOf(nic.id),
          },
    );
    // The guest names its NICs eth0, eth1, … in the order they are in the domain.
    const guestNics = interfaces.map((n, i) => ({ name: `eth${String(i)}`, mac: n.mac }));
    const init = effectiveInitialization(
      vmInitialization(c, vm.id),
      input.initialization,
      input.useCloudInit,
    );
    if (init !== null) {
      const bad = initializationFailure(init, guestNics, vm.id);
      if (bad) return invalid(bad);
    }
    let boot: DomainBoot = { kind: 'disks' };
    let seed: CloudInitSeedRequest | null = null;
    if (vm.boot.kind === 'tiny') {
      let addresses: (GuestNicAddress | GuestNicDhcp)[] = [];
      try {
        addresses = init === null ? [] : tinyAddressesFor(guestInitialization(init), guestNics);
      } catch (e) {
        if (!(e instanceof HostError)) throw e;
        return invalid(
          failWith('INVALID_INPUT', { detail: `initialization: ${e.message}` }).failure,
        );
      }
      boot = { kind: 'tiny', addresses };
    } else if (init !== null) {
      const hostName = init.hostName ?? hostNameOf(vm.name);
      seed = {
        vmId: vm.id,
        initialization: guestInitialization(hostName === undefined ? init : { ...init, hostName }),
        nics: guestNics,
      };
    }
    const desc: DomainDesc = {
      uuid: vm.id,
      name: domainNameOf(vm),
      memoryMiB: Math.round(vm.memoryBytes / (1024 * 1024)),
      vcpus: vm.vcpus,
      boot,
      interfaces,
      ...(vmDisks.disks.length > 0 ? { disks: vmDisks.disks } : {}),
      // A remote host keeps the serial log in libvirt's own log directory (the engine's data
      // directory is not on that machine).
      serialLogPath: placed.remote
        ? `/var/log/libvirt/qemu/aio-${vm.id}-serial.log`
        : join(ctx.dataDir, 'vms', vm.id, 'serial.log'),
      // The tiny guest boots its kernel directly: no drive, no boot order.
      ...(boot.kind === 'disks' ? { cdrom: { path: cdrom.path }, bootDevices } : {}),
    };
    return valid({ vm, desc, hostId: host.id, seed, cdromDiskId: cdrom.diskId });
  },
  execute: async (engineCtx, input, plan) => {
    // Issue 17: the host step runs on the chosen host's agent (the local one or a remote one).
    const ctx = contextForHost(engineCtx, plan.hostId);
    ctx.events.entity('vm', input.id, 'updated');
    try {
      await withProgress(ctx, `Starting VM ${plan.vm.name}`, () =>
        runIntent(ctx, {
          command: 'RunVm',
          kind: 'vm',
          hostId: plan.hostId,
          snapshots: [['vm', 'id', input.id]],
          prepare: (tx) => {
            vmsRepo.update(tx, input.id, { status: 'wait_for_launch', hostId: plan.hostId });
            return { plan, vmIds: [input.id], payload: { vmIds: [input.id] } };
          },
          host: (p) => startWithSeed(ctx, p),
          // The domain runs but its start could not be recorded: power it off again.
          undoHost: (p) => ctx.host.domainPowerOff(p.desc.uuid),
          commit: (tx) => {
            vmsRepo.update(tx, input.id, {
              status: 'up',
              hostId: plan.hostId,
              startTime: nowIso(),
              stopTime: null,
              stopReason: null,
              currentCdromDiskId: plan.cdromDiskId,
            });
          },
        }),
      );
    } finally {
      ctx.events.entity('vm', input.id, 'updated');
    }
    const vm = vmsRepo.findById(ctx.database.db, input.id);
    if (!vm) throw notFound('vm', input.id);
    return vm;
  },
  subject: (input, plan) => ({
    description: `VM ${plan?.vm.name ?? input.id}`,
    vmId: input.id,
    hostId: plan?.hostId ?? null,
  }),
});

/**
 * The host step: build the seed (when there is one) and start the domain with it as a CD-ROM.
 * Without a seed a stale one from an earlier start is removed (it holds a password hash). A
 * failed start removes the seed it built, so nothing is left behind.
 */
async function startWithSeed(ctx: EngineServices, plan: Plan): Promise<void> {
  // Issue 17: the logical switch ports of the VM's OVN NICs exist before the taps appear.
  if (plan.desc.interfaces.some((n) => n.ovnPort !== undefined))
    await syncOvnNetworksOfVm(ctx, plan.vm.id);
  if (plan.seed === null) {
    if (plan.desc.boot.kind !== 'tiny') await ctx.host.removeCloudInitSeed(plan.vm.id);
    await ctx.host.domainStart(plan.desc);
    return;
  }
  const seed = await ctx.host.cloudInitSeed(plan.seed);
  try {
    await ctx.host.domainStart({ ...plan.desc, cdroms: [{ path: seed.path }] });
  } catch (e) {
    await ctx.host.removeCloudInitSeed(plan.vm.id).catch(() => undefined);
    throw e;
  }
}

/**
 * Recovery of a `vm` intent (RunVm, StopVm; see recoveries.ts): restore the VM rows, then let
 * the domain decide: a domain that runs is recorded `up` (the start got through), anything
 * else `down`. The database then says what the host does, whichever step the kill hit.
 * @throws HostError when the hypervisor cannot be asked (the rows stay restored)
 */
export async function recoverVms(ctx: EngineServices, intent: IntentRecord): Promise<void> {
  restoreIntent(ctx, intent);
  // Issue 17: a remote host is not connected yet at start-up: its VMs are `unknown` on it until
  // its agent answers, when its activation gives them the state it reports (remote-hosts.ts).
  if (intent.hostId !== null && hostRemoteRepo.find(ctx.database.db, intent.hostId) !== null) {
    const hostId = intent.hostId;
    ctx.database.transaction((tx) => {
      for (const id of intent.vmIds)
        if (vmsRepo.findById(tx, id)) vmsRepo.update(tx, id, { status: 'unknown', hostId });
    });
    dropIntent(ctx, intent);
    for (const id of intent.vmIds) ctx.events.entity('vm', id, 'updated');
    return;
  }
  const domains = await ctx.host.domainList().catch((e: unknown) => {
    dropIntent(ctx, intent);
    throw hostFailure(e);
  });
  const states = new Map(domains.map((d) => [d.uuid, d.state]));
  const notRunning: string[] = [];
  ctx.database.transaction((tx) => {
    for (const id of intent.vmIds) {
      const vm = vmsRepo.findById(tx, id);
      if (!vm) continue;
      const state = states.get(id);
      if (state === 'up' || state === 'paused' || state === 'powering_down') {
        vmsRepo.update(tx, id, { status: state, hostId: intent.hostId ?? vm.hostId });
      } else {
        notRunning.push(id);
        if (vm.status === 'down') continue;
        vmsRepo.update(tx, id, {
          status: 'down',
          hostId: null,
          stopTime: nowIso(),
          stopReason: 'not running on the host',
        });
      }
    }
  });
  dropIntent(ctx, intent);
  // A start killed after its seed was built leaves the seed (it holds a password hash) beside
  // a domain that never ran: remove it, as a failed start does. Best effort: a leftover seed
  // is rebuilt or removed by the VM's next start anyway.
  for (const id of notRunning) await ctx.host.removeCloudInitSeed(id).catch(() => undefined);
  for (const id of intent.vmIds) ctx.events.entity('vm', id, 'updated');
}
