// SPDX-License-Identifier: Apache-2.0
/** The disks a VM boots with (RunVm): its plugged disk attachments, the bootable one first. */
import type { Conn } from '../../../../db/client';
import { diskAttachmentsRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import type { DomainDiskDesc } from '../../../../libvirt/host-agent';
import type { ValidationResult } from '../../validation';
import { diskRows, validateDisksFree } from '../../validators/storage.validator';
import { volumeFormatOf } from './storage-paths';

export function vmDomainDisks(
  c: Conn,
  vmId: string,
): { readonly disks: DomainDiskDesc[]; readonly failure: ValidationResult } {
  const atts = diskAttachmentsRepo
    .listRowsByVm(c, vmId)
    .filter((a) => a.active)
    .sort(
      (a, b) => Number(b.bootable) - Number(a.bootable) || a.createdAt.localeCompare(b.createdAt),
    );
  const rows = diskRows(
    c,
    atts.map((a) => a.diskId),
  );
  const failure = validateDisksFree(c, rows);
  const disks: DomainDiskDesc[] = [];
  for (const a of atts) {
    const d = rows.find((r) => r.id === a.diskId);
    const top = volumesRepo.active(c, a.diskId);
    if (!d || !top) continue;
    disks.push({
      path: top.path,
      format: volumeFormatOf(top.format),
      bus: a.interface,
      bootable: a.bootable,
      ...(a.readOnly ? { readOnly: true } : {}),
      serial: d.id,
    });
  }
  return { disks, failure };
}
