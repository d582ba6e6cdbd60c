// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  emptyNetworkForm,
  formMtu,
  normalizeNetworkForm,
  validateNetworkForm,
} from './network-form';

const base = { ...emptyNetworkForm('dc'), name: 'lab1' };

describe('network form', () => {
  it('accepts a default network and maps default MTU to 0', () => {
    expect(validateNetworkForm(base)).toEqual({});
    expect(formMtu(base)).toBe(0);
  });

  it('rejects MTU 20 and non-numbers, accepts 9000', () => {
    expect(validateNetworkForm({ ...base, mtuMode: 'custom', mtu: '20' }).mtu).toMatch(/68/);
    expect(validateNetworkForm({ ...base, mtuMode: 'custom', mtu: '9k' }).mtu).toBeDefined();
    const ok = { ...base, mtuMode: 'custom' as const, mtu: '9000' };
    expect(validateNetworkForm(ok)).toEqual({});
    expect(formMtu(ok)).toBe(9000);
  });

  it('forces VM network on and VLAN off for isolated networks', () => {
    const n = normalizeNetworkForm({
      ...base,
      isolated: true,
      vmNetwork: false,
      vlanEnabled: true,
      vlanId: '7',
    });
    expect(n).toMatchObject({ vmNetwork: true, vlanEnabled: false, vlanId: '' });
  });

  it('checks name, VLAN and label formats', () => {
    expect(validateNetworkForm({ ...base, name: ' ' }).name).toBeDefined();
    expect(validateNetworkForm({ ...base, name: 'bond0' }).name).toBeDefined();
    expect(
      validateNetworkForm({ ...base, vlanEnabled: true, vlanId: '5000' }).vlanId,
    ).toBeDefined();
    expect(validateNetworkForm({ ...base, label: 'a b' }).label).toBeDefined();
    expect(validateNetworkForm({ ...base, label: 'lab_1-x' })).toEqual({});
  });
});
