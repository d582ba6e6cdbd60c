// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { BRIDGE_NAME_PATTERN, deviceNameProblem, vdsmNameOf } from './names';
import {
  DEFAULT_MTU,
  effectiveMtu,
  mtuInRange,
  validateIsolatedDefinition,
  validateMtu,
  validateVlanId,
} from './network';
import { validateVmTransition, vmActionAllowed } from './vm';

describe('contract rules', () => {
  it('MTU: 0/absent is the default, the range is 68..65535', () => {
    expect(effectiveMtu(0)).toBe(DEFAULT_MTU);
    expect(effectiveMtu(undefined)).toBe(1500);
    expect(effectiveMtu(9000)).toBe(9000);
    expect(mtuInRange(68)).toBe(true);
    expect(mtuInRange(67)).toBe(false);
    expect(mtuInRange(65536)).toBe(false);
    expect(mtuInRange(1500.5)).toBe(false);
    expect(validateMtu(0)).toBeNull();
    expect(validateMtu(20)?.code).toBe('MTU_VALUE_INVALID');
  });

  it('VLAN and isolated-network constraints', () => {
    expect(validateVlanId(null)).toBeNull();
    expect(validateVlanId(4095)?.code).toBe('NETWORK_VLAN_OUT_OF_RANGE');
    const iso = { isolated: true, vmNetwork: true, vlanId: null, stp: false, portIsolation: false };
    expect(validateIsolatedDefinition(iso)).toBeNull();
    expect(validateIsolatedDefinition({ ...iso, vlanId: 7 })?.code).toBe(
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN',
    );
    expect(validateIsolatedDefinition({ ...iso, isolated: false, stp: true })).toBeNull();
  });

  it('device names count bytes, as the kernel does', () => {
    expect(deviceNameProblem('br-lab')).toBeNull();
    expect(deviceNameProblem('ééééééééé')).toMatch(/bytes/);
    expect(deviceNameProblem('-x')).toMatch(/option/);
    expect(BRIDGE_NAME_PATTERN.test('-x')).toBe(false);
    expect(vdsmNameOf('lab 1', '12345678-9abc-def0-1234-56789abcdef0')).toBe('on123456789abcd');
  });

  it('VM state table: the same answer for buttons and commands', () => {
    expect(vmActionAllowed('down', 'run')).toBe(true);
    expect(vmActionAllowed('up', 'run')).toBe(false);
    expect(vmActionAllowed('unknown', 'stop')).toBe(true);
    expect(validateVmTransition('down', 'shutdown')?.code).toBe(
      'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
    );
    expect(validateVmTransition('up', 'remove')?.code).toBe('ACTION_TYPE_FAILED_VM_IS_RUNNING');
  });
});
