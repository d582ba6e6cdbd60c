// SPDX-License-Identifier: Apache-2.0
/**
 * libvirt domain XML → the subset of {@link DomainDesc} this product writes. Used by the
 * round-trip test and to read back what libvirt really holds (`virsh dumpxml`). Direct-kernel
 * domains come back as boot kind 'kernel' (the 'tiny' kind is just a way to write one).
 *
 * @see https://libvirt.org/formatdomain.html
 */
import { XMLParser } from 'fast-xml-parser';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type {
  Accelerator,
  DiskBus,
  DomainBoot,
  DomainDesc,
  DomainDiskDesc,
  DomainInterfaceDesc,
  NicModel,
  VolumeFormat,
} from '../host-agent';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Names like "007" or " x " must stay strings, exactly as written.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ['interface', 'disk', 'serial'].includes(name),
});

function fail(why: string): never {
  throw new HostError(HostErrorCode.HYPERVISOR_ERROR, `unexpected domain XML: ${why}`);
}

function child(node: Node | undefined, name: string): Node | undefined {
  const v = node?.[name];
  return typeof v === 'object' && v !== null ? (v as Node) : undefined;
}

/** Text content of an element that may or may not carry attributes. */
function text(node: Node | undefined, name: string): string | undefined {
  const v = node?.[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as Node)['#text'] === 'string')
    return (v as Node)['#text'] as string;
  return undefined;
}

function attr(node: Node | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Parse a domain XML document. @throws HostError HYPERVISOR_ERROR when it is not one */
export function parseDomainXml(xml: string): DomainDesc & { readonly accelerator: Accelerator } {
  const doc = parser.parse(xml) as Node;
  const domain = child(doc, 'domain') ?? fail('no <domain>');
  const name = text(domain, 'name') ?? fail('no <name>');
  const uuid = (text(domain, 'uuid') ?? fail('no <uuid>')).trim();
  const memNode = domain.memory;
  const memText = (text(domain, 'memory') ?? fail('no <memory>')).trim();
  const unit =
    (typeof memNode === 'object' && memNode !== null ? attr(memNode as Node, 'unit') : undefined) ??
    'KiB';
  const memoryMiB = (Number(memText) * (UNIT_BYTES[unit.toLowerCase()] ?? 1024)) / 1024 ** 2;
  const vcpus = Number((text(domain, 'vcpu') ?? '1').trim());
  const os = child(domain, 'os');
  const devices = child(domain, 'devices');

  let boot: DomainBoot;
  let disks = parseDomainDisks(xml);
  const kernel = text(os, 'kernel');
  if (kernel !== undefined) {
    boot = {
      kind: 'kernel',
      kernel,
      initrd: text(os, 'initrd') ?? '',
      cmdline: text(os, 'cmdline') ?? '',
    };
  } else if (child(os, 'boot') !== undefined) {
    // `<os><boot dev='hd'/>`: the legacy "user's file booted in place", always the first disk.
    const [first, ...rest] = disks;
    if (first === undefined) fail('neither a kernel nor a disk to boot');
    boot = { kind: 'disk', diskPath: first.path };
    disks = rest;
  } else if (
    disks.some((d) => d.bootable) ||
    // Booting from the CD-ROM or the network (issue 16) needs no bootable disk.
    [
      ...((devices?.disk as Node[] | undefined) ?? []),
      ...((devices?.interface as Node[] | undefined) ?? []),
    ].some((d) => bootOrderOf(d) !== null)
  ) {
    boot = { kind: 'disks' };
  } else {
    fail('neither a kernel nor a disk to boot');
  }

  const interfaces: DomainInterfaceDesc[] = ((devices?.interface as Node[] | undefined) ?? []).map(
    (i) => ({
      mac: attr(child(i, 'mac'), 'address') ?? '',
      bridge: attr(child(i, 'source'), 'bridge') ?? '',
      mtu: Number(attr(child(i, 'mtu'), 'size') ?? '1500'),
      model: (attr(child(i, 'model'), 'type') ?? 'virtio') as NicModel,
      tap: attr(child(i, 'target'), 'dev') ?? '',
    }),
  );
  const serial = ((devices?.serial as Node[] | undefined) ?? [])[0];
  const serialLogPath = attr(child(serial, 'log'), 'file') ?? '';
  const accelerator: Accelerator = attr(domain, 'type') === 'kvm' ? 'kvm' : 'tcg';
  // CD-ROMs (the cloud-init seed): their ISO files, in document order.
  const cdroms = ((devices?.disk as Node[] | undefined) ?? [])
    .filter((d) => attr(d, 'device') === 'cdrom')
    .map((d) => ({ path: attr(child(d, 'source'), 'file') ?? '' }));
  return {
    uuid,
    name,
    memoryMiB,
    vcpus,
    boot,
    interfaces,
    ...(disks.length === 0 ? {} : { disks: disks.map(withoutTarget) }),
    ...(cdroms.length === 0 ? {} : { cdroms }),
    serialLogPath,
    accelerator,
  };
}

const BUS_OF_TARGET: Readonly<Record<string, DiskBus>> = {
  virtio: 'virtio',
  scsi: 'virtio_scsi',
  sata: 'sata',
};

function withoutTarget(disk: ParsedDisk): DomainDiskDesc {
  const copy: { -readonly [K in keyof ParsedDisk]?: ParsedDisk[K] } = { ...disk };
  delete copy.target;
  return copy as DomainDiskDesc;
}

/** One `<disk device='disk'>` as this product writes it, plus its target device name. */
export interface ParsedDisk extends DomainDiskDesc {
  readonly target: string;
}

/** A device's `<boot order='n'/>`, or null when it has none. */
function bootOrderOf(device: Node): number | null {
  const order = attr(child(device, 'boot'), 'order');
  return order === undefined ? null : Number(order);
}

/**
 * The file-backed disks of a domain XML, in document order. Also used on the live XML to find
 * which target device holds which volume (live snapshots).
 *
 * `bootable` is oVirt's disk attachment flag, read back from the boot orders: oVirt gives a
 * boot order to the bootable disk (VmDeviceCommonUtils.setDiskBootOrder), this product's writer
 * to the bootable disk first and the others after it, so the bootable disk is the one with the
 * lowest order among the disks, wherever `hd` stands in `os.boot.devices` (with `cdrom,hd` the
 * CD-ROM holds order 1 and the bootable disk 2). A domain whose boot devices leave out `hd`
 * carries no disk orders: none reads as bootable.
 */
export function parseDomainDisks(xml: string): ParsedDisk[] {
  const doc = parser.parse(xml) as Node;
  const devices = child(child(doc, 'domain'), 'devices');
  const disks = ((devices?.disk as Node[] | undefined) ?? []).filter(
    (d) => attr(d, 'device') === 'disk',
  );
  const orders = disks.map(bootOrderOf).filter((o): o is number => o !== null);
  const firstDiskOrder = orders.length === 0 ? null : Math.min(...orders);
  return disks.map((d) => {
    const format = attr(child(d, 'driver'), 'type') ?? 'raw';
    // `serial` is parsed as an array everywhere (the serial console device shares the name).
    const serials = d.serial;
    const serial = Array.isArray(serials)
      ? text({ serial: serials[0] as unknown }, 'serial')
      : text(d, 'serial');
    return {
      path: attr(child(d, 'source'), 'file') ?? '',
      format: (format === 'qcow2' ? 'qcow2' : 'raw') satisfies VolumeFormat,
      bus: BUS_OF_TARGET[attr(child(d, 'target'), 'bus') ?? 'virtio'] ?? 'virtio',
      bootable: firstDiskOrder !== null && bootOrderOf(d) === firstDiskOrder,
      ...(d.readonly === undefined ? {} : { readOnly: true }),
      serial: serial ?? '',
      target: attr(child(d, 'target'), 'dev') ?? '',
    };
  });
}
