// SPDX-License-Identifier: Apache-2.0
/**
 * CD-ROMs and boot order (issue 16), in oVirt's words. Every VM has exactly one CD-ROM, id
 * `00000000-0000-0000-0000-000000000000` (oVirt's `BackendVmCdromsResource`); its `file` is an
 * ISO disk (content type `iso`) of a data storage domain, as oVirt 4.5 keeps ISOs without an ISO
 * domain. `current` reads or changes the running VM's medium; without it, the persistent
 * configuration (used from the next start). Boot order is oVirt's `os.boot.devices`.
 */
import { z } from 'zod';

import { Uuid } from './common';

/** The id of a VM's only CD-ROM (oVirt's). */
export const CDROM_ID = '00000000-0000-0000-0000-000000000000';

export const BOOT_DEVICES = ['hd', 'cdrom', 'network'] as const;
export type BootDevice = (typeof BOOT_DEVICES)[number];

/** Devices in boot order; each at most once (libvirt needs one order per device). */
export const BootDevices = z
  .array(z.enum(BOOT_DEVICES))
  .min(1)
  .max(BOOT_DEVICES.length)
  .refine((d) => new Set(d).size === d.length, { message: 'each boot device at most once' });

/** oVirt's default when a VM names none. */
export const DEFAULT_BOOT_DEVICES: readonly BootDevice[] = ['hd'];

export interface VmCdrom {
  readonly id: string;
  readonly vmId: string;
  /** The ISO disk in the drive, null when empty. */
  readonly fileId: string | null;
}

export const GetVmCdromsInput = z.object({ vmId: Uuid, current: z.boolean().optional() }).strict();

/** Insert (`fileId` = an ISO disk id) or eject (`fileId` null). */
export const UpdateVmCdromInput = z
  .object({
    vmId: Uuid,
    id: z.literal(CDROM_ID).optional(),
    fileId: Uuid.nullable(),
    current: z.boolean().optional(),
  })
  .strict();

/** Parses the stored comma list; unknown words are dropped, nothing left = the default. */
export function parseBootDevices(text: string | null): BootDevice[] {
  const devices = (text ?? '')
    .split(',')
    .filter((d): d is BootDevice => (BOOT_DEVICES as readonly string[]).includes(d));
  return devices.length > 0 ? devices : [...DEFAULT_BOOT_DEVICES];
}
