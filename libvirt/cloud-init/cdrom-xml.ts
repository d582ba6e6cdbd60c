// SPDX-License-Identifier: Apache-2.0
/**
 * `<disk device='cdrom'>` elements for {@link DomainDesc.cdroms} (the cloud-init seed is one),
 * through the escaping builder. Kept here until libvirt/domain/domain-xml.ts renders
 * `cdroms` itself (see notes/segment.md); domain-xml.ts then only has to append these.
 *
 * The CD-ROMs sit on virtio-scsi, not SATA: Debian's cloud kernel (the `debian-12` image, the
 * tiny guest) builds no AHCI driver at all, so a SATA CD-ROM is invisible to the guest and
 * cloud-init never finds its seed (seen under TCG: no `sr0`, cloud-init disabled by ds-identify).
 * virtio-scsi works on both i440fx and q35 and its driver (`virtio_scsi` + `sr_mod`) is there.
 *
 * @see https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms
 */
import { createElement, type XmlElement } from '../domain/xml-builder';
import type { DomainCdromDesc } from '../host-agent';

/** SCSI target names `sda`…`sdz` not in `taken`, in order, one per CD-ROM. */
export function cdromTargets(count: number, taken: ReadonlySet<string>): string[] {
  const free = Array.from({ length: 26 }, (_, i) => `sd${String.fromCharCode(97 + i)}`).filter(
    (t) => !taken.has(t),
  );
  if (free.length < count) throw new Error(`no free SCSI target for ${count} CD-ROM(s)`);
  return free.slice(0, count);
}

/** One read-only raw CD-ROM on the virtio-scsi controller. */
export function cdromElement(cdrom: DomainCdromDesc, target: string): XmlElement {
  return createElement(
    'disk',
    { type: 'file', device: 'cdrom' },
    createElement('driver', { name: 'qemu', type: 'raw' }),
    createElement('source', { file: cdrom.path }),
    createElement('target', { dev: target, bus: 'scsi' }),
    createElement('readonly', {}),
  );
}

/** The controller the CD-ROMs need (index 0, the one virtio_scsi disks use too). */
export function virtioScsiController(): XmlElement {
  return createElement('controller', { type: 'scsi', index: 0, model: 'virtio-scsi' });
}

/**
 * Elements for every CD-ROM of a domain, avoiding the disks' own SCSI/SATA targets, plus the
 * virtio-scsi controller unless the domain already has it (`hasScsiController`).
 */
export function cdromElements(
  cdroms: readonly DomainCdromDesc[],
  takenTargets: ReadonlySet<string> = new Set(),
  hasScsiController = false,
): XmlElement[] {
  if (cdroms.length === 0) return [];
  const targets = cdromTargets(cdroms.length, takenTargets);
  const disks = cdroms.map((c, i) => cdromElement(c, targets[i] ?? ''));
  return hasScsiController ? disks : [...disks, virtioScsiController()];
}
