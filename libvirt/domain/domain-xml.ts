// SPDX-License-Identifier: Apache-2.0
/**
 * DomainDesc → libvirt domain XML, in exactly one place, through the escaping builder.
 * Pure: the domain type (from the accelerator probe) and the tiny guest's files come in as
 * arguments, so the round-trip test needs no host.
 *
 * @see https://libvirt.org/formatdomain.html
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { cdromElements, cdromTargets, virtioScsiController } from '../cloud-init/cdrom-xml';
import type {
  Accelerator,
  DiskBus,
  DomainDesc,
  DomainDiskDesc,
  DomainInterfaceDesc,
} from '../host-agent';
import { tinyGuestCmdline } from '../tiny-guest';
import { bootOrders, vmCdromElement } from './cdrom';
import { screenDevices } from './graphics';
import { createElement, type XmlElement } from './xml-builder';

/** Where the tiny guest's kernel and initrd are (from readTinyGuest()). */
export interface TinyGuestFiles {
  readonly kernelPath: string;
  readonly initrdPath: string;
}

export interface DomainXmlOptions {
  /** The probed accelerator: 'kvm' → `<domain type='kvm'>`, 'tcg' → `type='qemu'`. */
  readonly accelerator: Accelerator;
  /** Required when `desc.boot.kind` is 'tiny'. */
  readonly tinyGuest?: TinyGuestFiles;
  /** Issue 16: this QEMU has SPICE (probed): add a SPICE display after the VNC one. */
  readonly spice?: boolean;
}

/** libvirt's domain type for an accelerator. */
export function domainType(accelerator: Accelerator): 'kvm' | 'qemu' {
  return accelerator === 'kvm' ? 'kvm' : 'qemu';
}

const TINY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** The guest host name for the tiny guest's command line: the VM name when it fits, else from the UUID. */
export function tinyGuestName(desc: Pick<DomainDesc, 'name' | 'uuid'>): string {
  return TINY_NAME.test(desc.name) ? desc.name : `vm-${desc.uuid.slice(0, 8)}`;
}

function osElement(
  desc: DomainDesc,
  options: DomainXmlOptions,
): { os: XmlElement; disk: XmlElement | null } {
  const os = createElement('os', {}, createElement('type', { arch: 'x86_64' }, 'hvm'));
  const boot = desc.boot;
  switch (boot.kind) {
    case 'tiny': {
      if (options.tinyGuest === undefined) throw new Error('tiny boot needs the tiny guest files');
      os.append(
        createElement('kernel', {}, options.tinyGuest.kernelPath),
        createElement('initrd', {}, options.tinyGuest.initrdPath),
        createElement(
          'cmdline',
          {},
          tinyGuestCmdline({ name: tinyGuestName(desc), addresses: boot.addresses }),
        ),
      );
      return { os, disk: null };
    }
    case 'kernel':
      os.append(
        createElement('kernel', {}, boot.kernel),
        createElement('initrd', {}, boot.initrd),
        createElement('cmdline', {}, boot.cmdline),
      );
      return { os, disk: null };
    case 'disk': {
      os.append(createElement('boot', { dev: 'hd' }));
      const format = boot.diskPath.endsWith('.qcow2') ? 'qcow2' : 'raw';
      const disk = createElement(
        'disk',
        { type: 'file', device: 'disk' },
        createElement('driver', { name: 'qemu', type: format }),
        createElement('source', { file: boot.diskPath }),
        createElement('target', { dev: 'vda', bus: 'virtio' }),
      );
      return { os, disk };
    }
    case 'disks':
      // Boot order goes on the bootable disk itself (`<boot order>`); libvirt refuses it
      // together with `<os><boot dev>`, so the os element stays bare. A VM that boots from its
      // CD-ROM or the network (issue 16) needs no bootable disk.
      if (
        !(desc.disks ?? []).some((d) => d.bootable) &&
        !(desc.bootDevices ?? []).some((d) => d === 'network' || (d === 'cdrom' && desc.cdrom))
      )
        throw new HostError(
          HostErrorCode.HYPERVISOR_ERROR,
          `VM ${desc.name} boots from its disks but none is bootable`,
        );
      return { os, disk: null };
  }
}

/** libvirt's target bus per oVirt disk interface. */
const TARGET_BUS: Readonly<Record<DiskBus, 'virtio' | 'scsi' | 'sata'>> = {
  virtio: 'virtio',
  virtio_scsi: 'scsi',
  sata: 'sata',
};

/** `vd` + a, b, …, z, aa, ab, … (the kernel's and libvirt's naming). */
export function diskTargetName(prefix: 'vd' | 'sd', index: number): string {
  let n = index;
  let letters = '';
  do {
    letters = String.fromCharCode(97 + (n % 26)) + letters;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `${prefix}${letters}`;
}

/** Serials the guest sees: QEMU takes at most 20 characters (virtio-blk's ID field). */
export const DISK_SERIAL_MAX = 20;

/**
 * Target device names for the domain's disks: virtio disks are vda, vdb, …; SCSI and SATA share
 * the sd namespace in libvirt, so they are numbered together, in the VM's order. `taken` holds
 * names already used (the legacy boot disk's vda).
 */
export function diskTargets(
  disks: readonly DomainDiskDesc[],
  taken: readonly string[] = [],
): string[] {
  const used = new Set(taken);
  const next = { vd: 0, sd: 0 };
  return disks.map((disk) => {
    const prefix = disk.bus === 'virtio' ? 'vd' : 'sd';
    let name = diskTargetName(prefix, next[prefix]++);
    while (used.has(name)) name = diskTargetName(prefix, next[prefix]++);
    used.add(name);
    return name;
  });
}

function diskElement(disk: DomainDiskDesc, target: string, bootOrder: number | null): XmlElement {
  const el = createElement(
    'disk',
    { type: 'file', device: 'disk' },
    // cache=none (O_DIRECT, oVirt's default): the guest's flushes reach the disk and the host's
    // page cache does not hold a second copy; discard=unmap lets a guest's fstrim give space back
    // to the (sparse) volume.
    createElement('driver', {
      name: 'qemu',
      type: disk.format,
      cache: 'none',
      io: 'native',
      discard: 'unmap',
    }),
    createElement('source', { file: disk.path }),
    createElement('target', { dev: target, bus: TARGET_BUS[disk.bus] }),
  );
  if (disk.readOnly === true) el.append(createElement('readonly'));
  el.append(createElement('serial', {}, disk.serial.slice(0, DISK_SERIAL_MAX)));
  if (bootOrder !== null) el.append(createElement('boot', { order: bootOrder }));
  return el;
}

/** The `<disk>` elements, CD-ROMs included (and the virtio-scsi controller when one needs it). */
function diskElements(desc: DomainDesc, legacyDisk: XmlElement | null): XmlElement[] {
  const disks = desc.disks ?? [];
  const targets = diskTargets(disks, legacyDisk === null ? [] : ['vda']);
  const order = domainBootOrders(desc).disks;
  const out = disks.map((disk, i) => diskElement(disk, targets[i] ?? '', order.get(i) ?? null));
  const scsiDisk = disks.some((d) => d.bus === 'virtio_scsi');
  if (scsiDisk)
    out.push(createElement('controller', { type: 'scsi', index: 0, model: 'virtio-scsi' }));
  const taken = new Set(targets.filter((t) => t.startsWith('sd')));
  // Issue 16: the VM's own CD-ROM drive on the first free sd* name, before the seed.
  let scsiController = scsiDisk;
  if (desc.cdrom !== undefined) {
    const [target] = cdromTargets(1, taken);
    taken.add(target ?? '');
    out.push(vmCdromElement(desc.cdrom.path, target ?? '', domainBootOrders(desc).cdrom));
    if (!scsiController) out.push(virtioScsiController());
    scsiController = true;
  }
  // CD-ROMs (the cloud-init seed) on virtio-scsi after the disks, on sd* names they left free;
  // the controller once, whether a disk or a CD-ROM needs it.
  out.push(...cdromElements(desc.cdroms ?? [], taken, scsiController));
  return out;
}

/**
 * Boot order per device: oVirt's `os.boot.devices` (issue 16), default `hd`; the bootable
 * disk first, then the others in order: one boot order per device, like oVirt. Only a
 * domain that boots from its devices (`disks`) has any.
 */
function domainBootOrders(desc: DomainDesc): ReturnType<typeof bootOrders> {
  if (desc.boot.kind !== 'disks') return bootOrders([], false, [], 0);
  const disks = desc.disks ?? [];
  const indexes = disks.map((_d, i) => i);
  indexes.sort((a, b) => Number(disks[b]?.bootable) - Number(disks[a]?.bootable));
  return bootOrders(
    desc.bootDevices ?? ['hd'],
    desc.cdrom !== undefined,
    indexes,
    desc.interfaces.length,
  );
}

/** OVN's integration bridge on every chassis (ovn-controller creates it). */
const OVN_INTEGRATION_BRIDGE = 'br-int';

function ovnVirtualPort(port: string): XmlElement {
  return createElement(
    'virtualport',
    { type: 'openvswitch' },
    createElement('parameters', { interfaceid: port }),
  );
}

function interfaceElement(nic: DomainInterfaceDesc, bootOrder: number | null): XmlElement {
  const el = createElement(
    'interface',
    { type: 'bridge' },
    createElement('mac', { address: nic.mac }),
    createElement('source', {
      bridge: nic.ovnPort !== undefined ? OVN_INTEGRATION_BRIDGE : nic.bridge,
    }),
    createElement('target', { dev: nic.tap }),
    createElement('model', { type: nic.model }),
    // The tap and the guest's virtio device (host_mtu) get the network MTU.
    createElement('mtu', { size: nic.mtu }),
  );
  // Issue 17: an OVN port — libvirt adds the tap to br-int with external_ids:iface-id.
  if (nic.ovnPort !== undefined) el.append(ovnVirtualPort(nic.ovnPort));
  if (bootOrder !== null) el.append(createElement('boot', { order: bootOrder }));
  return el;
}

/**
 * The domain XML for `desc`. Persistent definition; ACPI on so shutdown works; the serial
 * console is a pty with a log file, so what the guest printed before anyone attached is kept.
 */
export function domainXml(desc: DomainDesc, options: DomainXmlOptions): string {
  const { os, disk } = osElement(desc, options);
  const devices = createElement('devices');
  if (disk !== null) devices.append(disk);
  devices.append(...diskElements(desc, disk));
  const nicOrder = domainBootOrders(desc).interfaces;
  desc.interfaces.forEach((nic, i) =>
    devices.append(interfaceElement(nic, nicOrder.get(i) ?? null)),
  );
  devices.append(
    createElement(
      'serial',
      { type: 'pty' },
      createElement('log', { file: desc.serialLogPath, append: 'off' }),
      createElement('target', { port: 0 }),
    ),
    createElement('console', { type: 'pty' }, createElement('target', { type: 'serial', port: 0 })),
    createElement('memballoon', { model: 'none' }),
  );
  // The screen (issue 16): VNC on loopback, password expired until the engine issues a ticket.
  devices.append(...screenDevices(undefined, { spice: options.spice === true }));
  const domain = createElement(
    'domain',
    { type: domainType(options.accelerator) },
    createElement('name', {}, desc.name),
    createElement('uuid', {}, desc.uuid),
    createElement('memory', { unit: 'MiB' }, desc.memoryMiB),
    createElement('currentMemory', { unit: 'MiB' }, desc.memoryMiB),
    createElement('vcpu', { placement: 'static' }, desc.vcpus),
    os,
    createElement('features', {}, createElement('acpi'), createElement('apic')),
    createElement('clock', { offset: 'utc' }),
    createElement('on_poweroff', {}, 'destroy'),
    createElement('on_reboot', {}, 'restart'),
    createElement('on_crash', {}, 'destroy'),
    devices,
  );
  return `${domain.toString()}\n`;
}
