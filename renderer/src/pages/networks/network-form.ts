// SPDX-License-Identifier: Apache-2.0
/**
 * The New/Edit network form as data: its values, the rules that tie fields together
 * (isolated ⇒ VM network, no VLAN), and field-level validation that gives the same answers
 * as the engine (cockpit's `validateParams` shape) so errors appear before a round trip.
 */
import {
  DEFAULT_MTU,
  LABEL_PATTERN,
  MAX_MTU,
  MIN_MTU,
  type Network,
  NETWORK_NAME_MAX_LENGTH,
} from '../../../../main/contract/networks';

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
    mtu: String(n.mtu === 0 ? DEFAULT_MTU : n.mtu),
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

/** Field errors for the current values; an empty object means the form may be submitted. */
export function validateNetworkForm(v: NetworkFormValues): NetworkFormErrors {
  const e: NetworkFormErrors = {};
  const name = v.name.trim();
  if (name === '') e.name = 'Enter a name.';
  else if (name.length > NETWORK_NAME_MAX_LENGTH) {
    e.name = `At most ${NETWORK_NAME_MAX_LENGTH} characters.`;
  } else if (/^bond/i.test(name)) e.name = "A network name cannot start with 'bond'.";
  if (v.dataCenterId === '') e.dataCenterId = 'Choose a data center.';
  if (v.mtuMode === 'custom') {
    const mtu = Number(v.mtu);
    if (!INTEGER.test(v.mtu.trim())) e.mtu = 'Enter a whole number.';
    else if (mtu < MIN_MTU || mtu > MAX_MTU) {
      e.mtu = `The MTU must be between ${MIN_MTU} and ${MAX_MTU}.`;
    }
  }
  if (v.vlanEnabled && !v.isolated) {
    const id = Number(v.vlanId);
    if (!INTEGER.test(v.vlanId.trim()) || id > 4094) e.vlanId = 'A VLAN tag is 0–4094.';
  }
  if (v.label.trim() !== '' && !LABEL_PATTERN.test(v.label.trim())) {
    e.label = 'Use only letters, digits, hyphens and underscores.';
  }
  return e;
}

/** The MTU the engine stores: 0 for "default". */
export function formMtu(v: NetworkFormValues): number {
  return v.mtuMode === 'default' ? 0 : Number(v.mtu);
}
