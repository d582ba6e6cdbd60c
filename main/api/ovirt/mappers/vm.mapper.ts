// SPDX-License-Identifier: Apache-2.0
/**
 * VMs, VM NICs and audit events ⇄ oVirt documents (`types/Vm.java`, `Nic.java`,
 * `Event.java`). `initialization` (cloud-init) is in initialization.mapper.ts.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §2.9, §2.10
 */
import { BOOT_DEVICES, type BootDevice } from '../../../contract/cdroms';
import type { AuditEvent } from '../../../contract/events';
import type { OpInput } from '../../../contract/operations';
import { type PlacementPolicyInput, VM_AFFINITIES } from '../../../contract/placement';
import type { Initialization, NicInterface, Vm, VmNic } from '../../../contract/vms';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import {
  bool,
  enumOf,
  enumValue,
  type InputObject,
  int,
  obj,
  objList,
  ref,
  str,
  strList,
} from '../input';
import { initializationDoc, initializationInput } from './initialization.mapper';
import { actionLinks, refTo, subLinks } from './links';

export const VM_ACTIONS = ['shutdown', 'start', 'stop'];

/** `/vms/{id}`. */
export function vmDoc(base: string, v: Vm): DocObject {
  const href = `${base}/vms/${v.id}`;
  return {
    href,
    id: v.id,
    name: v.name,
    description: v.description || undefined,
    actions: actionLinks(href, VM_ACTIONS),
    link: subLinks(href, ['cdroms', 'diskattachments', 'graphicsconsoles', 'nics', 'statistics']),
    cluster: refTo(base, 'clusters', v.clusterId),
    cpu: { topology: { cores: 1, sockets: v.vcpus, threads: 1 } },
    creation_time: new DateTime(new Date(v.creationTime)),
    // libgovirt refuses a VM without `display` (type + monitors). The appliance's guests
    // are reached through the serial console; no address/port is advertised.
    display: { allow_override: false, monitors: 1, smartcard_enabled: false, type: 'vnc' },
    host: v.hostId === null ? undefined : refTo(base, 'hosts', v.hostId),
    initialization: initializationDoc(v.initialization),
    memory: v.memoryBytes,
    original_template: refTo(base, 'templates', v.templateId),
    // Issue 17: oVirt `placement_policy` (hosts only when there are some, as oVirt shows it).
    placement_policy: placementPolicyDoc(base, v),
    os: {
      type: v.boot.kind === 'tiny' ? 'other_linux' : 'other',
      // Issue 16: boot order (oVirt `os.boot.devices`).
      boot: { devices: { device: [...(v.bootDevices ?? ['hd'])] } },
    },
    start_time: v.startTime === null ? undefined : new DateTime(new Date(v.startTime)),
    stateless: false,
    status: v.status,
    stop_reason: v.stopReason ?? undefined,
    stop_time: v.stopTime === null ? undefined : new DateTime(new Date(v.stopTime)),
    template: refTo(base, 'templates', v.templateId),
    type: 'server',
  };
}

function placementPolicyDoc(base: string, v: Vm): DocObject {
  const p = v.placementPolicy ?? { affinity: 'migratable', hostIds: [] };
  return {
    affinity: p.affinity,
    hosts:
      p.hostIds.length === 0
        ? undefined
        : { host: p.hostIds.map((id) => refTo(base, 'hosts', id)) },
  };
}

/** `placement_policy` (`affinity`, `hosts.host[]` by id or name), or undefined when absent. */
export function placementPolicyInput(o: InputObject): PlacementPolicyInput | undefined {
  const p = obj(o, 'placement_policy');
  if (p === undefined) return undefined;
  const affinity = enumOf(p, 'affinity', VM_AFFINITIES, 'VmAffinity');
  // `<hosts/>` (empty) clears them; absent keeps them.
  const hosts = objList(p, 'hosts', 'host')?.map((h) => {
    const id = str(h, 'id');
    const name = str(h, 'name');
    return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
  });
  return {
    ...(affinity !== undefined ? { affinity } : {}),
    ...(hosts !== undefined ? { hosts } : {}),
  };
}

/** `/vms/{v}/nics/{n}`. */
export function vmNicDoc(base: string, n: VmNic): DocObject {
  const href = `${base}/vms/${n.vmId}/nics/${n.id}`;
  return {
    href,
    id: n.id,
    name: n.name,
    link: subLinks(href, ['statistics']),
    interface: n.interface,
    linked: n.linked,
    mac: { address: n.mac },
    plugged: n.plugged,
    vm: refTo(base, 'vms', n.vmId),
    vnic_profile:
      n.vnicProfileId === null ? undefined : refTo(base, 'vnicprofiles', n.vnicProfileId),
  };
}

/** `/events/{id}` (AM `types/Event.java`). */
export function eventDoc(base: string, e: AuditEvent): DocObject {
  return {
    href: `${base}/events/${e.id}`,
    id: String(e.id),
    description: e.description,
    cluster: e.clusterId === null ? undefined : refTo(base, 'clusters', e.clusterId),
    // oVirt's `code` is an integer (the SDK parses it with int()); ours is a word, so it
    // travels as custom_data instead.
    correlation_id: e.correlationId ?? undefined,
    data_center: e.dataCenterId === null ? undefined : refTo(base, 'datacenters', e.dataCenterId),
    host: e.hostId === null ? undefined : refTo(base, 'hosts', e.hostId),
    custom_data: e.code,
    origin: 'oVirt',
    severity: e.severity,
    time: new DateTime(new Date(e.time)),
    vm: e.vmId === null ? undefined : refTo(base, 'vms', e.vmId),
  };
}

// ── Input ──────────────────────────────────────────────────────────────────────────────

/** oVirt `NicInterface`. */
const NIC_INTERFACES = [
  'e1000',
  'e1000e',
  'pci_passthrough',
  'rtl8139',
  'rtl8139_virtio',
  'spapr_vlan',
  'virtio',
] as const;

/** `cpu.topology` → vCPUs (sockets × cores × threads); undefined when absent. */
export function vcpusOf(o: InputObject): number | undefined {
  const topology = obj(obj(o, 'cpu') ?? {}, 'topology');
  if (topology === undefined) return undefined;
  const sockets = int(topology, 'sockets') ?? 1;
  const cores = int(topology, 'cores') ?? 1;
  const threads = int(topology, 'threads') ?? 1;
  return sockets * cores * threads;
}

/** `<vm>` → AddVm. Mandatory in oVirt's order: cluster, name, template. */
export function addVmInput(o: InputObject): OpInput<'AddVm'> {
  const cluster = ref(o, 'cluster');
  if (cluster === undefined || (cluster.id === undefined && cluster.name === undefined)) {
    throw incompleteParameters('Vm', ['cluster.id|name'], 'add');
  }
  const name = str(o, 'name');
  if (name === undefined) throw incompleteParameters('Vm', ['name'], 'add');
  const template = ref(o, 'template');
  if (template === undefined || (template.id === undefined && template.name === undefined)) {
    throw incompleteParameters('Vm', ['template.id|name'], 'add');
  }
  return { name, cluster, template, ...vmFields(o) };
}

/** `<vm>` → UpdateVm. */
export function updateVmInput(id: string, o: InputObject): OpInput<'UpdateVm'> {
  const name = str(o, 'name');
  return { id, ...(name !== undefined ? { name } : {}), ...vmFields(o) };
}

function vmFields(o: InputObject): {
  bootDevices?: BootDevice[];
  description?: string;
  memoryBytes?: number;
  vcpus?: number;
  initialization?: Initialization;
  placementPolicy?: PlacementPolicyInput;
} {
  const description = str(o, 'description');
  const memoryBytes = int(o, 'memory');
  const vcpus = vcpusOf(o);
  const initialization = initializationInput(o);
  const bootDevices = bootDevicesInput(o);
  const placementPolicy = placementPolicyInput(o);
  return {
    ...(placementPolicy !== undefined ? { placementPolicy } : {}),
    ...(bootDevices !== undefined ? { bootDevices } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(memoryBytes !== undefined ? { memoryBytes } : {}),
    ...(vcpus !== undefined ? { vcpus } : {}),
    ...(initialization !== undefined ? { initialization } : {}),
  };
}

/** The `start` action: `use_cloud_init` and run-once `vm.initialization`. */
export function runVmInput(id: string, action: InputObject): OpInput<'RunVm'> {
  const useCloudInit = bool(action, 'use_cloud_init');
  const vm = obj(action, 'vm');
  const initialization = vm === undefined ? undefined : initializationInput(vm);
  // Run once (issue 16): this start's boot order and CD (`vm.cdroms.cdrom[0].file.id`).
  const bootDevices = vm === undefined ? undefined : bootDevicesInput(vm);
  const cdrom = vm === undefined ? undefined : objList(vm, 'cdroms', 'cdrom')?.[0];
  const file = cdrom === undefined ? undefined : obj(cdrom, 'file');
  const cdromFileId = file === undefined ? undefined : str(file, 'id');
  // Run once (issue 17): `vm.placement_policy.hosts`, the first is the destination host.
  const placementPolicy = vm === undefined ? undefined : placementPolicyInput(vm);
  return {
    id,
    ...(placementPolicy !== undefined ? { placementPolicy } : {}),
    ...(bootDevices !== undefined ? { bootDevices } : {}),
    ...(cdromFileId !== undefined && cdromFileId !== '' ? { cdromFileId } : {}),
    ...(useCloudInit !== undefined ? { useCloudInit } : {}),
    ...(initialization !== undefined ? { initialization } : {}),
  };
}

/** `os.boot.devices.device[]` (oVirt `BootDevice`: `cdrom`, `hd`, `network`). */
export function bootDevicesInput(o: InputObject): BootDevice[] | undefined {
  const boot = obj(obj(o, 'os') ?? {}, 'boot');
  if (boot === undefined) return undefined;
  const devices = strList(boot, 'devices', 'device');
  return devices?.map((d) => enumValue(d, BOOT_DEVICES, 'BootDevice'));
}

/** The `stop`/`shutdown` actions: optional `reason`. */
export function stopVmInput(id: string, action: InputObject): OpInput<'StopVm'> {
  const reason = str(action, 'reason');
  // `force` and `async` are accepted and ignored: stops are always synchronous here.
  bool(action, 'force');
  return { id, ...(reason !== undefined ? { reason } : {}) };
}

function nicInterface(o: InputObject): NicInterface | undefined {
  const value = enumOf(o, 'interface', NIC_INTERFACES, 'NicInterface');
  // Values the model knows but the host cannot emulate reach the engine and fail there.
  return value as NicInterface | undefined;
}

/** `<nic>` → AddVmInterface (`name` mandatory; profile from `vnic_profile`). */
export function addVmNicInput(vmId: string, o: InputObject): OpInput<'AddVmInterface'> {
  const name = str(o, 'name');
  if (name === undefined) throw incompleteParameters('Nic', ['name'], 'add');
  const iface = nicInterface(o);
  const profile = obj(o, 'vnic_profile');
  const profileId = profile === undefined ? undefined : (str(profile, 'id') ?? null);
  const mac = obj(o, 'mac');
  const address = mac === undefined ? undefined : str(mac, 'address');
  const linked = bool(o, 'linked');
  return {
    vmId,
    name,
    ...(iface !== undefined ? { interface: iface } : {}),
    ...(profileId !== undefined ? { vnicProfileId: profileId } : {}),
    ...(address !== undefined ? { mac: address } : {}),
    ...(linked !== undefined ? { linked } : {}),
  };
}

/** `<nic>` → UpdateVmInterface. */
export function updateVmNicInput(
  vmId: string,
  id: string,
  o: InputObject,
): OpInput<'UpdateVmInterface'> {
  const name = str(o, 'name');
  const iface = nicInterface(o);
  const profile = obj(o, 'vnic_profile');
  const profileId = profile === undefined ? undefined : (str(profile, 'id') ?? null);
  const linked = bool(o, 'linked');
  return {
    vmId,
    id,
    ...(name !== undefined ? { name } : {}),
    ...(iface !== undefined ? { interface: iface } : {}),
    ...(profileId !== undefined ? { vnicProfileId: profileId } : {}),
    ...(linked !== undefined ? { linked } : {}),
  };
}
