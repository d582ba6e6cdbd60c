// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  type NetworkDefinition,
  validateIsolatedInCluster,
  validateLabel,
  validateNetworkDefinition,
} from './network.validator';

const base: NetworkDefinition = {
  name: 'blue',
  mtu: 0,
  vlanId: null,
  stp: false,
  vmNetwork: true,
  isolated: false,
  portIsolation: false,
};
const code = (d: Partial<NetworkDefinition>): string | null =>
  validateNetworkDefinition({ ...base, ...d })?.code ?? null;

describe('validateNetworkDefinition', () => {
  it('accepts a plain VM network and any characters in names', () => {
    expect(code({})).toBeNull();
    expect(code({ name: 'réseau privé / lab #1' })).toBeNull();
    expect(code({ name: 'x'.repeat(256) })).toBeNull();
  });
  it('applies name rules', () => {
    expect(code({ name: '' })).toBe('ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY');
    expect(code({ name: 'x'.repeat(257) })).toBe('ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG');
    expect(code({ name: 'Bond0' })).toBe('NETWORK_CANNOT_CONTAIN_BOND_NAME');
  });
  it('applies MTU rules: 0 = default, else 68..65535', () => {
    expect(code({ mtu: 0 })).toBeNull();
    expect(code({ mtu: 68 })).toBeNull();
    expect(code({ mtu: 65535 })).toBeNull();
    expect(code({ mtu: 67 })).toBe('MTU_VALUE_INVALID');
    expect(code({ mtu: 20 })).toBe('MTU_VALUE_INVALID');
    expect(code({ mtu: 65536 })).toBe('MTU_VALUE_INVALID');
    expect(code({ mtu: -1 })).toBe('MTU_VALUE_INVALID');
  });
  it('applies isolated rules', () => {
    expect(code({ isolated: true })).toBeNull();
    expect(code({ isolated: true, vmNetwork: false })).toBe(
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_VM_NETWORK',
    );
    expect(code({ isolated: true, vlanId: 10 })).toBe(
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN',
    );
  });
  // Issue 13 item 5: only the MTU applies to an isolated network; STP and port isolation
  // were accepted (and STP applied). Both are refused now.
  it('refuses STP and port isolation on an isolated network', () => {
    expect(code({ isolated: true, stp: true })).toBe(
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_STP',
    );
    expect(code({ isolated: true, portIsolation: true })).toBe(
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_PORT_ISOLATION',
    );
    // …while a non-isolated VM network keeps both (oVirt allows them there).
    expect(code({ stp: true })).toBeNull();
    expect(code({ portIsolation: true })).toBeNull();
  });
  it('applies VLAN and VM-only rules', () => {
    expect(code({ vlanId: 4095 })).toBe('NETWORK_VLAN_OUT_OF_RANGE');
    expect(code({ stp: true, vmNetwork: false })).toBe('NON_VM_NETWORK_CANNOT_SUPPORT_STP');
  });
  it('checks labels and isolated cluster options', () => {
    expect(validateLabel('lab_1-x')).toBeNull();
    expect(validateLabel('lab 1')?.code).toBe('NETWORK_LABEL_FORMAT_INVALID');
    expect(validateIsolatedInCluster(true, false, [])?.code).toBe(
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED',
    );
    expect(validateIsolatedInCluster(true, undefined, ['display'])?.code).toBe(
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES',
    );
    expect(validateIsolatedInCluster(false, false, ['display'])).toBeNull();
  });
});
