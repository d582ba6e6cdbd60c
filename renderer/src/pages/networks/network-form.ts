// SPDX-License-Identifier: Apache-2.0
/**
 * The New/Edit network form as data: its values, the rules that tie fields together
 * (isolated ⇒ VM network, no VLAN), and field-level validation (cockpit's `validateParams`
 * shape) so errors appear before a round trip. The decisions are the contract's rules, the
 * same functions the engine validates with; only parsing the typed text and the wording of
 * each failure are the form's.
 */
import type { EngineErrorCode } from '../../../../main/contract/messages';
import type { Network } from '../../../../main/contract/networks';
import {
  DEFAULT_MTU,
  effectiveMtu,
  MAX_MTU,
  MAX_VLAN_ID,
  MIN_MTU,
  NETWORK_NAME_MAX_LENGTH,
  validateLabel,
  validateMtu,
  validateNetworkName,
  validateVlanId,
} from '../../../../main/contract/rules/network';
import type { ValidationResult } from '../../../../main/contract/rules/validation';

export interface NetworkFormValues {
  name: string;
  description: string;
  dataCenterId: string;
  mtuMode: 'default' | 'custom';
  /** Text as typed, so "90x" can be reported rather than silently dropped. */
  mtu: string;
  isolated: boolean;
  vmNetwork: boolean;
  vlanEnabled: boolean;
  vlanId: string;
  label: string;
}

export type NetworkFormErrors = Partial<Record<keyof NetworkFormValues, string>>;

export function emptyNetworkForm(dataCenterId: string): NetworkFormValues {
  return {
    name: '',
    description: '',
    dataCenterId,
    mtuMode: 'default',
    mtu: String(DEFAULT_MTU),
    isolated: false,
    vmNetwork: true,
    vlanEnabled: false,
    vlanId: '',
    label: '',
  };
}

export function networkToForm(n: Network): NetworkFormValues {
  return {
    name: n.name,
    description: n.description,
    dataCenterId: n.dataCenterId,
    mtuMode: n.mtu === 0 ? 'default' : 'custom',
    mtu: String(effectiveMtu(n.mtu)),
    isolated: n.isolated,
    vmNetwork: n.vmNetwork,
    vlanEnabled: n.vlanId !== null,
    vlanId: n.vlanId === null ? '' : String(n.vlanId),
    label: n.label ?? '',
  };
}

/** Applies the coupling rules after a change: an isolated network is a VM network without VLAN. */
export function normalizeNetworkForm(v: NetworkFormValues): NetworkFormValues {
  if (!v.isolated) return v;
  return { ...v, vmNetwork: true, vlanEnabled: false, vlanId: '' };
}

const INTEGER = /^\d+$/;

const VLAN_WORDS = `A VLAN tag is 0–${MAX_VLAN_ID}.`;

/** The form's words for the rules' failures (the engine's are oVirt's, kept for REST). */
const WORDS: Partial<Record<EngineErrorCode, string>> = {
  ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY: 'Enter a name.',
  ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG: `At most ${NETWORK_NAME_MAX_LENGTH} characters.`,
  NETWORK_CANNOT_CONTAIN_BOND_NAME: "A network name cannot start with 'bond'.",
  MTU_VALUE_INVALID: `The MTU must be between ${MIN_MTU} and ${MAX_MTU}.`,
  NETWORK_VLAN_OUT_OF_RANGE: VLAN_WORDS,
  NETWORK_LABEL_FORMAT_INVALID: 'Use only letters, digits, hyphens and underscores.',
};

const words = (r: ValidationResult): string | undefined =>
  r === null ? undefined : (WORDS[r.code] ?? r.code);

/** Field errors for the current values; an empty object means the form may be submitted. */
export function validateNetworkForm(v: NetworkFormValues): NetworkFormErrors {
  const e: NetworkFormErrors = {};
  const put = (field: keyof NetworkFormValues, r: ValidationResult): void => {
    const text = words(r);
    if (text !== undefined) e[field] = text;
  };
  put('name', validateNetworkName(v.name.trim()));
  if (v.dataCenterId === '') e.dataCenterId = 'Choose a data center.';
  if (v.mtuMode === 'custom') {
    // 0 means "default" to the engine; typed as a custom value it is out of range.
    if (!INTEGER.test(v.mtu.trim())) e.mtu = 'Enter a whole number.';
    else put('mtu', validateMtu(Number(v.mtu) || -1));
  }
  // The isolated-network constraint (no VLAN) is applied by normalizeNetworkForm.
  if (v.vlanEnabled && !v.isolated) {
    if (!INTEGER.test(v.vlanId.trim())) e.vlanId = VLAN_WORDS;
    else put('vlanId', validateVlanId(Number(v.vlanId)));
  }
  const label = v.label.trim();
  if (label !== '') put('label', validateLabel(label));
  return e;
}

/** The MTU the engine stores: 0 for "default". */
export function formMtu(v: NetworkFormValues): number {
  return v.mtuMode === 'default' ? 0 : Number(v.mtu);
}
