// SPDX-License-Identifier: Apache-2.0
/**
 * Templates (`types/Template.java`, `TemplateVersion.java`): `Blank` with oVirt's fixed id,
 * `tiny`, bundled images (`debian-12`) and templates made from VMs, whose disks are copies.
 */
import type { Initialization } from './vms';

export const BLANK_TEMPLATE_ID = '00000000-0000-0000-0000-000000000000';
export const BLANK_TEMPLATE_NAME = 'Blank';
export const TINY_TEMPLATE_NAME = 'tiny';

/** Name of the template registered from the bundled Debian 12 image. */
export const DEBIAN_TEMPLATE_NAME = 'debian-12';

/**
 * How a VM made from the template boots: `none` (Blank: from the disks the VM gets), `tiny`
 * (the bundled demo guest the host layer knows how to boot), `disks` (from its disks,
 * copied or overlaid from the template's).
 */
export type TemplateBoot = 'none' | 'tiny' | 'disks';

/** oVirt `TemplateStatus`: `locked` while its disks are being copied. */
export type TemplateStatus = 'ok' | 'locked' | 'illegal';

/** oVirt `TemplateVersion`: a base template is version 1 and its own base. */
export interface TemplateVersion {
  readonly versionNumber: number;
  readonly versionName: string;
  readonly baseTemplateId: string;
}

export interface Template {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly memoryBytes: number;
  readonly vcpus: number;
  readonly boot: TemplateBoot;
  readonly status: TemplateStatus;
  readonly version: TemplateVersion;
  /** The VM it was made from (null for built-in and bundled templates). */
  readonly sourceVmId: string | null;
  readonly creationTime: string | null;
  /**
   * cloud-init data VMs made from it inherit (oVirt copies the template's `initialization`);
   * `rootPassword`, when set, reads as HIDDEN_PASSWORD.
   */
  readonly initialization: Initialization | null;
}
