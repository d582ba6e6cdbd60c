// SPDX-License-Identifier: Apache-2.0
/**
 * Logical network rules, once (issue 14): MTU range and default, name and label format, VLAN
 * range and the seeds' isolated-network constraints. Pure; the engine validates commands with
 * them, the host layer canonicalizes with the same numbers, the network form shows the same
 * answers before a round trip. Wording stays with each caller (oVirt keys here, English in
 * messages.ts, friendlier sentences in the form).
 */
import { failWith, firstFailure, VALID, type ValidationResult } from './validation';

/** MTU 0 means "the default", which is this value (oVirt `DefaultMTU`). */
export const DEFAULT_MTU = 1500;
/** iproute2/kernel bounds for an Ethernet MTU. */
export const MIN_MTU = 68;
export const MAX_MTU = 65535;
/**
 * Below this the kernel removes IPv6 from a device (RFC 8200 minimum link MTU): no IPv6
 * settings can be written and no node on the segment runs IPv6.
 */
export const IPV6_MIN_MTU = 1280;
/** Network names: at most this many characters, any characters (oVirt ≥ 4.2). */
export const NETWORK_NAME_MAX_LENGTH = 256;
/** Label format (oVirt `@ValidName`, `NO_SPECIAL_CHARACTERS`). */
export const LABEL_PATTERN = /^[0-9a-zA-Z_-]+$/;
/** 802.1Q tags a network may carry. */
export const MIN_VLAN_ID = 0;
export const MAX_VLAN_ID = 4094;

/** The MTU a network really has: 0 (or absent) stands for {@link DEFAULT_MTU}. */
export const effectiveMtu = (mtu: number | undefined): number =>
  mtu === undefined || mtu === 0 ? DEFAULT_MTU : mtu;

/** An explicit MTU any host could take (whole number within {@link MIN_MTU}..{@link MAX_MTU}). */
export const mtuInRange = (mtu: number): boolean =>
  Number.isInteger(mtu) && mtu >= MIN_MTU && mtu <= MAX_MTU;

/** The fields of a network the definition rules look at. */
export interface NetworkDefinition {
  readonly name: string;
  readonly mtu: number;
  readonly vlanId: number | null;
  readonly stp: boolean;
  readonly vmNetwork: boolean;
  readonly isolated: boolean;
  readonly portIsolation: boolean;
}

/** Name rules: not empty, ≤ 256 characters (any characters), not starting with `bond`. */
export function validateNetworkName(name: string): ValidationResult {
  return firstFailure(
    () => failWith('ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY').when(name.length === 0),
    () =>
      failWith('ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG', {
        maxLength: NETWORK_NAME_MAX_LENGTH,
      }).when(Array.from(name).length > NETWORK_NAME_MAX_LENGTH),
    () => failWith('NETWORK_CANNOT_CONTAIN_BOND_NAME').when(/^bond/i.test(name)),
  );
}

/** MTU: 0 (default) or 68..65535. */
export function validateMtu(mtu: number): ValidationResult {
  return failWith('MTU_VALUE_INVALID', { mtu }).when(mtu !== 0 && (mtu < MIN_MTU || mtu > MAX_MTU));
}

/** VLAN tag: none, or 0..4094. */
export function validateVlanId(vlanId: number | null): ValidationResult {
  return failWith('NETWORK_VLAN_OUT_OF_RANGE').when(
    vlanId !== null && (vlanId < MIN_VLAN_ID || vlanId > MAX_VLAN_ID),
  );
}

/** Every rule of a network definition that needs no database. */
export function validateNetworkDefinition(d: NetworkDefinition): ValidationResult {
  return firstFailure(
    () => validateNetworkName(d.name),
    () => validateMtu(d.mtu),
    () => validateVlanId(d.vlanId),
    () => validateIsolatedDefinition(d),
    () => failWith('NON_VM_NETWORK_CANNOT_SUPPORT_STP').when(d.stp && !d.vmNetwork),
    () =>
      failWith('NON_VM_NETWORK_CANNOT_SUPPORT_PORT_ISOLATION').when(
        d.portIsolation && !d.vmNetwork,
      ),
  );
}

/**
 * Seed: "Isolated Networks will be limited to VM networks only and only MTU should be
 * relevant" — so no VLAN; checked before the generic VM-only rules for a clear message.
 * STP only matters between bridges (an isolated bridge has no uplink that could loop) and port
 * isolation would cut guests off from each other — their only peers — so both are refused,
 * not ignored.
 */
export function validateIsolatedDefinition(
  d: Pick<NetworkDefinition, 'isolated' | 'vmNetwork' | 'vlanId' | 'stp' | 'portIsolation'>,
): ValidationResult {
  if (!d.isolated) return VALID;
  return firstFailure(
    () => failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_VM_NETWORK').when(!d.vmNetwork),
    () => failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN').when(d.vlanId !== null),
    () => failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_STP').when(d.stp),
    () =>
      failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_PORT_ISOLATION').when(
        d.portIsolation,
      ),
  );
}

/** Label format `[0-9a-zA-Z_-]+`. */
export function validateLabel(label: string): ValidationResult {
  return failWith('NETWORK_LABEL_FORMAT_INVALID', { label }).when(!LABEL_PATTERN.test(label));
}

/** Isolated networks bear no cluster role and are always required. */
export function validateIsolatedInCluster(
  isolated: boolean,
  required: boolean | undefined,
  roles: readonly string[] | undefined,
): ValidationResult {
  if (!isolated) return VALID;
  return firstFailure(
    () =>
      failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES', {
        roles: (roles ?? []).join(', '),
      }).when((roles ?? []).length > 0),
    () => failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED').when(required === false),
  );
}
