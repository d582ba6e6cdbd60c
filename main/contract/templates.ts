// SPDX-License-Identifier: Apache-2.0
/** Templates (`types/Template.java`): `Blank` with oVirt's fixed id, and `tiny`. */

export const BLANK_TEMPLATE_ID = '00000000-0000-0000-0000-000000000000';
export const BLANK_TEMPLATE_NAME = 'Blank';
export const TINY_TEMPLATE_NAME = 'tiny';

/**
 * How a VM made from the template boots: `none` (Blank: the VM needs a disk image path) or
 * `tiny` (the bundled demo guest the host layer knows how to boot).
 */
export type TemplateBoot = 'none' | 'tiny';

export interface Template {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly memoryBytes: number;
  readonly vcpus: number;
  readonly boot: TemplateBoot;
}
