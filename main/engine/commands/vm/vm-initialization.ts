// SPDX-License-Identifier: Apache-2.0
/**
 * A VM's cloud-init `initialization` as the engine uses it, in one place: the stored value (with
 * its password: engine-internal, never for reads, events or logs), the guest names of its vNICs
 * (`eth0` = the first vNIC in name order, as RunVm hands them to the guest), and the static
 * addresses it asks for per vNIC MAC (what the segment's DHCP turns into static leases).
 */
import type { Conn } from '../../../../db/client';
import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { cloudInitProblems, type GuestInitialization } from '../../../../libvirt/host-agent';
import { HIDDEN_PASSWORD, type Initialization, type VmNic } from '../../../contract/vms';
import { failWith, type ValidationResult } from '../../validation';

/** The VM's stored initialization, password included; null when it has none (or no such VM). */
export function vmInitialization(c: Conn, vmId: string): Initialization | null {
  return vmsRepo.findInitialization(c, vmId);
}

/** vNICs in guest order: sorted by vNIC name, numbers compared as numbers (nic2 < nic10). */
export function vnicsInGuestOrder(nics: readonly VmNic[]): VmNic[] {
  return [...nics].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** One vNIC as the guest names it. */
export interface GuestNicName {
  /** `eth0`, `eth1`, … */
  readonly name: string;
  readonly mac: string;
  readonly nicId: string;
}

/** Does the guest see this vNIC? Only plugged vNICs with a profile become domain interfaces. */
export const inDomain = (n: VmNic): boolean => n.plugged && n.vnicProfileId !== null;

/** The guest's names for the VM's vNICs that reach the domain (see {@link inDomain}). */
export function guestNicNames(c: Conn, vmId: string): GuestNicName[] {
  return vnicsInGuestOrder(vmNicsRepo.listByVm(c, vmId).filter(inDomain)).map((n, i) => ({
    name: `eth${String(i)}`,
    mac: n.mac.toLowerCase(),
    nicId: n.id,
  }));
}

/** A static IPv4 address the VM's initialization gives one of its vNICs. */
export interface StaticAddress {
  readonly nicId: string;
  readonly mac: string;
  readonly address: string;
}

/**
 * The IPv4 addresses the stored initialization (or `init`, e.g. a run-once one) sets statically,
 * per vNIC (NIC configurations with `on_boot` false or naming no vNIC are left out).
 */
export function staticAddressesOf(
  c: Conn,
  vmId: string,
  init: Initialization | null = vmInitialization(c, vmId),
): StaticAddress[] {
  const nics = guestNicNames(c, vmId);
  const out: StaticAddress[] = [];
  for (const config of init?.nicConfigurations ?? []) {
    const nic = nics.find((n) => n.name === config.name);
    if (!nic || config.onBoot === false) continue;
    if (config.bootProtocol !== 'static' || config.ip?.address === undefined) continue;
    out.push({ nicId: nic.nicId, mac: nic.mac, address: config.ip.address });
  }
  return out;
}

/**
 * The host layer's shape of an initialization: the same fields, with absent ones left out
 * rather than `undefined` (the value is plain JSON data, as stored).
 */
export function guestInitialization(init: Initialization): GuestInitialization {
  return JSON.parse(JSON.stringify(init)) as GuestInitialization;
}

/**
 * Problems of an initialization for a VM's guest NICs (names and MACs), as one fault: a NIC
 * configuration naming no vNIC, then everything the seed's own rules refuse (INVALID_INPUT,
 * every problem in the detail; the password is never quoted).
 */
export function initializationFailure(
  init: Initialization,
  nics: readonly { readonly name: string; readonly mac: string }[],
  vmId: string,
): ValidationResult {
  const unknown = init.nicConfigurations.find((c) => !nics.some((n) => n.name === c.name));
  if (unknown)
    return failWith('ACTION_TYPE_FAILED_NIC_CONFIGURATION_UNKNOWN_NIC', { nicName: unknown.name })
      .failure;
  const problems = cloudInitProblems({ vmId, initialization: guestInitialization(init), nics });
  return problems.length === 0
    ? null
    : failWith('INVALID_INPUT', { detail: `initialization: ${problems.join('; ')}` }).failure;
}

/**
 * Problems of an initialization being stored (VM or template). vNICs may come later, so each
 * NIC configuration is checked against a vNIC of its own name; RunVm checks the real ones.
 */
export function storedInitializationFailure(given: Initialization): ValidationResult {
  // Empty (clear) and the mask (keep) are instructions, not passwords.
  const { rootPassword, ...rest } = given;
  const init =
    rootPassword === undefined || rootPassword === '' || rootPassword === HIDDEN_PASSWORD
      ? rest
      : given;
  const nics = init.nicConfigurations.map((c, i) => ({
    name: c.name,
    mac: `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
  }));
  return initializationFailure(init, nics, '00000000-0000-0000-0000-000000000000');
}

/**
 * The initialization to store for an update: `undefined` keeps the stored one, null clears it.
 * The password of a new one: absent or {@link HIDDEN_PASSWORD} keeps the stored password (a client
 * PUTting back what it read), empty clears it, anything else replaces it.
 */
export function mergedInitialization(
  stored: Initialization | null,
  given: Initialization | null | undefined,
): Initialization | null {
  if (given === undefined) return stored;
  if (given === null) return null;
  const { rootPassword, ...rest } = given;
  if (rootPassword === undefined || rootPassword === HIDDEN_PASSWORD)
    return stored?.rootPassword === undefined
      ? rest
      : { ...rest, rootPassword: stored.rootPassword };
  return rootPassword === '' ? rest : { ...rest, rootPassword };
}
