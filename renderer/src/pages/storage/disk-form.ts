// SPDX-License-Identifier: Apache-2.0
/** The New disk form as data: name, size in GiB, format, domain; checked before sending. */
import type { DiskFormat, DiskInterface } from '../../../../main/contract/disks';
import type { OpInput } from '../../../../main/contract/operations';
import { parseGiB } from '../../components/bytes';

export interface DiskFormValues {
  name: string;
  sizeGiB: string;
  format: DiskFormat;
  storageDomainId: string;
}

export type DiskFormErrors = Partial<Record<keyof DiskFormValues, string>>;

/** oVirt disk aliases: letters, digits, `_`, `-`, `.` (at most 255; we keep 64 like VMs). */
export const DISK_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function validateDiskForm(v: DiskFormValues): DiskFormErrors {
  const e: DiskFormErrors = {};
  if (v.name.trim() === '') e.name = 'Enter a name.';
  else if (!DISK_NAME.test(v.name.trim())) {
    e.name = 'Use letters, digits, dots, hyphens and underscores (at most 64).';
  }
  if (parseGiB(v.sizeGiB) === null) e.sizeGiB = 'Enter a size in GiB, such as 10 or 0.5.';
  if (v.storageDomainId === '') e.storageDomainId = 'Choose a storage domain.';
  return e;
}

export function toDiskSpec(v: DiskFormValues): OpInput<'AddDisk'> {
  return {
    name: v.name.trim(),
    format: v.format,
    sparse: v.format === 'cow',
    provisionedSize: parseGiB(v.sizeGiB) ?? 0,
    storageDomain: { id: v.storageDomainId },
  };
}

export const INTERFACE_LABELS: Readonly<Record<DiskInterface, string>> = {
  virtio: 'VirtIO',
  virtio_scsi: 'VirtIO-SCSI',
  sata: 'SATA',
};
