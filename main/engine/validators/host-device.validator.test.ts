// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { vdsmNameOf } from '../vdsm-name';
import { deviceNameProblem, validateOnHostName } from './host-device.validator';

const ID = '0f4e2a9c-1b2d-4c3e-8f5a-6b7c8d9e0f1a';

describe('on-host names follow the kernel (dev_valid_name) and iproute2', () => {
  it('refuses what can never be a device name', () => {
    expect(deviceNameProblem('')).toMatch(/empty/);
    expect(deviceNameProblem('x'.repeat(16))).toMatch(/longer than 15/);
    expect(deviceNameProblem('.')).toMatch(/reserved/);
    expect(deviceNameProblem('..')).toMatch(/reserved/);
    expect(deviceNameProblem('a/b')).toMatch(/'\/'/);
    expect(deviceNameProblem('a:b')).toMatch(/':'/);
    expect(deviceNameProblem('a b')).toMatch(/white space/);
    expect(deviceNameProblem('a\tb')).toMatch(/white space/);
    expect(deviceNameProblem('-x')).toMatch(/starts with '-'/);
  });
  it('accepts ordinary names, 15 bytes included', () => {
    for (const ok of ['blue', 'lab_1-x', 'x'.repeat(15), 'on0f4e2a9c1b2d4']) {
      expect(deviceNameProblem(ok)).toBeNull();
    }
  });
  it('a network name that is not a device name gets a valid generated on-host name', () => {
    for (const name of ['a/b', 'a b', 'x'.repeat(40), 'réseau', '..']) {
      const vdsm = vdsmNameOf(name, ID);
      expect(vdsm).toMatch(/^on/);
      expect(validateOnHostName(name, vdsm)).toBeNull();
    }
  });
  it('a network name used as is must itself be valid: -x is refused', () => {
    expect(vdsmNameOf('-x', ID)).toBe('-x');
    expect(validateOnHostName('-x', '-x')?.code).toBe('NETWORK_ON_HOST_NAME_INVALID');
  });
});
