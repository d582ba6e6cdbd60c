// SPDX-License-Identifier: Apache-2.0
/**
 * The New VM form as data: template choice (tiny; a template with disks, thin or cloned; or
 * Blank with an existing disk to boot from), memory, and NICs each with a vNIC profile and a
 * static IPv4 address or DHCP, and the initial run (cloud-init: host name, user, password, SSH
 * key), turned into AddVm (+ AddDiskAttachment) + AddVmInterface inputs. Addresses go into
 * oVirt's `initialization.nicConfigurations`: a disk-image guest gets them through cloud-init,
 * the tiny guest on its command line.
 */
import type { OpInput } from '../../../../main/contract/operations';
import {
  type InitialRunErrors,
  type InitialRunValues,
  toInitialization,
  validateInitialRun,
} from './initial-run';

export interface VmNicRow {
  profileId: string;
  address: string;
  prefix: string;
  /** oVirt `boot_protocol` of the guest NIC; absent = static (with an address) . */
  bootProtocol?: 'static' | 'dhcp' | 'none';
}

export interface VmFormValues {
  name: string;
  templateId: string;
  /** An existing floating disk attached as the bootable disk; needed for Blank. */
  diskId: string;
  /** oVirt `clone`: independent copies of the template's disks instead of thin overlays. */
  clone: boolean;
  memoryMiB: string;
  nics: VmNicRow[];
  /** Initial run (cloud-init): host name, user, password, SSH key. */
  initialRun?: InitialRunValues;
}

export type VmFormErrors = Partial<
  Record<'name' | 'templateId' | 'diskId' | 'memoryMiB', string>
> & {
  nics?: Record<number, Partial<Record<keyof VmNicRow, string>>>;
  initialRun?: InitialRunErrors;
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function validateVmForm(v: VmFormValues, templateBootsNothing: boolean): VmFormErrors {
  const e: VmFormErrors = {};
  if (v.name.trim() === '') e.name = 'Enter a name.';
  else if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v.name.trim())) {
    e.name = 'Use letters, digits, dots, hyphens and underscores (at most 64).';
  }
  if (v.templateId === '') e.templateId = 'Choose a template.';
  if (templateBootsNothing && v.diskId === '') {
    e.diskId =
      'A VM from Blank needs a disk to boot from: upload or import one on the Storage page.';
  }
  const mem = Number(v.memoryMiB);
  if (!/^\d+$/.test(v.memoryMiB.trim()) || mem < 64) e.memoryMiB = 'At least 64 MiB.';
  v.nics.forEach((n, i) => {
    const ne: Partial<Record<keyof VmNicRow, string>> = {};
    if (n.profileId === '') ne.profileId = 'Choose a vNIC profile.';
    if (n.bootProtocol === 'dhcp' || n.bootProtocol === 'none') {
      if (Object.keys(ne).length > 0) (e.nics ??= {})[i] = ne;
      return;
    }
    if (n.address.trim() !== '' && !IPV4.test(n.address.trim()))
      ne.address = 'Enter an IPv4 address.';
    const p = Number(n.prefix);
    if (n.address.trim() !== '' && (!/^\d+$/.test(n.prefix.trim()) || p < 1 || p > 32)) {
      ne.prefix = '1–32';
    }
    if (Object.keys(ne).length > 0) (e.nics ??= {})[i] = ne;
  });
  const init = v.initialRun ? validateInitialRun(v.initialRun) : {};
  if (Object.keys(init).length > 0) e.initialRun = init;
  return e;
}

export function hasErrors(e: VmFormErrors): boolean {
  return (
    Object.keys(e).some((k) => k !== 'nics' && k !== 'initialRun') ||
    Object.keys(e.nics ?? {}).length > 0 ||
    Object.keys(e.initialRun ?? {}).length > 0
  );
}

/**
 * AddVm input for the form (the disk is attached and NICs added afterwards). `clone` only
 * means something for a template with disks.
 */
export function toAddVmInput(
  v: VmFormValues,
  clusterId: string,
  templateHasDisks: boolean,
): OpInput<'AddVm'> {
  const initialization = toInitialization(
    v.initialRun ?? { hostName: '', userName: '', rootPassword: '', sshKeys: '' },
    v.nics.map((n) => ({
      bootProtocol: n.bootProtocol ?? 'static',
      address: n.address,
      prefix: n.prefix,
    })),
  );
  return {
    name: v.name.trim(),
    cluster: { id: clusterId },
    template: { id: v.templateId },
    memoryBytes: Number(v.memoryMiB) * 1024 * 1024,
    ...(templateHasDisks && v.clone ? { clone: true } : {}),
    ...(initialization !== undefined ? { initialization } : {}),
  };
}
