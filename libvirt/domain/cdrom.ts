// SPDX-License-Identifier: Apache-2.0
/**
 * The VM's own CD-ROM drive (oVirt's one CD-ROM per VM, issue 16) and boot order.
 *
 * The drive is always in the definition of a disk-booted domain, empty or not, so a medium
 * can be inserted or ejected while the VM runs (`virsh change-media --live`: libvirt changes
 * media only on an existing drive). It sits on virtio-scsi like the cloud-init seed (see
 * ../cloud-init/cdrom-xml.ts: the guests' kernels have no AHCI driver) and carries the user
 * alias `ua-cdrom`, so the live drive is found without guessing its target name. SeaBIOS
 * boots El Torito from a virtio-scsi CD-ROM.
 *
 * Boot order is per device (`<boot order='n'/>`), as oVirt's `os.boot.devices` gives it:
 * `cdrom` → the drive, `hd` → the disks (bootable one first), `network` → the vNICs.
 *
 * @see https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms
 * @see https://libvirt.org/formatdomain.html#bios-bootloader (per-device boot)
 */
import { open } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run } from '../exec';
import { createElement, type XmlElement } from './xml-builder';

/** libvirt user alias of the VM's CD-ROM drive (user aliases must start with `ua-`). */
export const CDROM_ALIAS = 'ua-cdrom';

export type DomainBootDevice = 'hd' | 'cdrom' | 'network';

/** The drive: an ISO in it (`path`) or empty (`path` null). */
export function vmCdromElement(
  path: string | null,
  target: string,
  bootOrder: number | null,
): XmlElement {
  const el = createElement(
    'disk',
    { type: 'file', device: 'cdrom' },
    createElement('driver', { name: 'qemu', type: 'raw' }),
  );
  if (path !== null) el.append(createElement('source', { file: path }));
  el.append(
    createElement('target', { dev: target, bus: 'scsi' }),
    createElement('readonly'),
    createElement('alias', { name: CDROM_ALIAS }),
  );
  if (bootOrder !== null) el.append(createElement('boot', { order: bootOrder }));
  return el;
}

/** Boot orders per device kind for `devices` (oVirt's order), 1-based and unique. */
export interface BootOrders {
  readonly cdrom: number | null;
  /** Order per disk index (disks not listed do not boot). */
  readonly disks: ReadonlyMap<number, number>;
  /** Order per interface index. */
  readonly interfaces: ReadonlyMap<number, number>;
}

/**
 * Orders for `devices`: `hasCdrom` says whether the drive exists, `diskOrder` lists disk
 * indexes in the order they boot (bootable first), `interfaceCount` the vNICs.
 */
export function bootOrders(
  devices: readonly DomainBootDevice[],
  hasCdrom: boolean,
  diskOrder: readonly number[],
  interfaceCount: number,
): BootOrders {
  let next = 1;
  let cdrom: number | null = null;
  const disks = new Map<number, number>();
  const interfaces = new Map<number, number>();
  for (const device of devices) {
    if (device === 'cdrom' && hasCdrom && cdrom === null) cdrom = next++;
    if (device === 'hd') for (const i of diskOrder) if (!disks.has(i)) disks.set(i, next++);
    if (device === 'network')
      for (let i = 0; i < interfaceCount; i++) if (!interfaces.has(i)) interfaces.set(i, next++);
  }
  return { cdrom, disks, interfaces };
}

/** The target name of the drive with alias {@link CDROM_ALIAS} in live domain XML, or null. */
export function parseCdromTarget(xml: string): string | null {
  for (const disk of xml.match(/<disk\b[^>]*device=['"]cdrom['"][\s\S]*?<\/disk>/g) ?? []) {
    if (!new RegExp(`<alias\\s+name=['"]${CDROM_ALIAS}['"]`).test(disk)) continue;
    return /<target\b[^>]*\bdev=['"]([^'"]+)['"]/.exec(disk)?.[1] ?? null;
  }
  return null;
}

/**
 * Insert `path` into (or eject, `path` null) the running domain's CD-ROM, live only: the
 * persistent definition is rewritten from the engine's configuration at every start.
 * @throws HostError when the domain is not running or has no VM CD-ROM drive
 */
export async function changeMedia(
  uri: string,
  uuid: string,
  liveXml: string,
  path: string | null,
): Promise<void> {
  const target = parseCdromTarget(liveXml);
  if (target === null)
    throw new HostError(
      HostErrorCode.HYPERVISOR_ERROR,
      `domain ${uuid} has no CD-ROM drive (started before CD-ROMs existed?); restart it`,
    );
  // --force: a guest that locked the tray would otherwise keep the old medium.
  const args =
    path === null
      ? ['-c', uri, 'change-media', uuid, target, '--eject', '--live', '--force']
      : ['-c', uri, 'change-media', uuid, target, path, '--update', '--live', '--force'];
  await run('virsh', args);
}

/** The ISO 9660 primary volume descriptor's signature, at byte 32769 of an ISO image. */
export const ISO9660_MAGIC = 'CD001';
export const ISO9660_MAGIC_OFFSET = 0x8001;

/** Whether the file at `path` is an ISO 9660 image (its volume descriptor signature). */
export async function isIsoImage(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.alloc(ISO9660_MAGIC.length);
    const { bytesRead } = await file.read(buf, 0, buf.length, ISO9660_MAGIC_OFFSET);
    return bytesRead === buf.length && buf.toString('latin1') === ISO9660_MAGIC;
  } finally {
    await file.close();
  }
}
