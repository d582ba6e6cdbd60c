// SPDX-License-Identifier: Apache-2.0
/**
 * `<disk device='cdrom'>` elements for {@link DomainDesc.cdroms} (the cloud-init seed is one),
 * through the escaping builder. Kept here until libvirt/domain/domain-xml.ts renders
 * `cdroms` itself (see notes/segment.md); domain-xml.ts then only has to append these.
 *
 * @see https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms
 */
import { createElement, type XmlElement } from '../domain/xml-builder';
import type { DomainCdromDesc } from '../host-agent';

/** SATA target names `sda`…`sdz` not in `taken`, in order, one per CD-ROM. */
export function cdromTargets(count: number, taken: ReadonlySet<string>): string[] {
  const free = Array.from({ length: 26 }, (_, i) => `sd${String.fromCharCode(97 + i)}`).filter(
    (t) => !taken.has(t),
  );
  if (free.length < count) throw new Error(`no free SATA target for ${count} CD-ROM(s)`);
  return free.slice(0, count);
}

/** One read-only raw CD-ROM on SATA (every machine type has it; virtio has no CD-ROM). */
export function cdromElement(cdrom: DomainCdromDesc, target: string): XmlElement {
  return createElement(
    'disk',
    { type: 'file', device: 'cdrom' },
    createElement('driver', { name: 'qemu', type: 'raw' }),
    createElement('source', { file: cdrom.path }),
    createElement('target', { dev: target, bus: 'sata' }),
    createElement('readonly', {}),
  );
}

/** Elements for every CD-ROM of a domain, avoiding the disks' own targets. */
export function cdromElements(
  cdroms: readonly DomainCdromDesc[],
  takenTargets: ReadonlySet<string> = new Set(),
): XmlElement[] {
  const targets = cdromTargets(cdroms.length, takenTargets);
  return cdroms.map((c, i) => cdromElement(c, targets[i] ?? ''));
}
