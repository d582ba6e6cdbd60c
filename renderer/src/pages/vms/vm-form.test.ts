// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { hasErrors, toAddVmInput, validateVmForm, type VmFormValues } from './vm-form';

const form: VmFormValues = {
  name: 'vm1',
  templateId: 't',
  diskPath: '',
  memoryMiB: '192',
  nics: [{ profileId: 'p', address: '10.9.0.1', prefix: '24' }],
};

describe('vm form', () => {
  it('accepts a tiny VM and builds the static address for eth0', () => {
    expect(hasErrors(validateVmForm(form, false))).toBe(false);
    expect(toAddVmInput(form, 'c', false)).toEqual({
      name: 'vm1',
      cluster: { id: 'c' },
      template: { id: 't' },
      memoryBytes: 192 * 1024 * 1024,
      initialization: {
        nicConfigurations: [
          { name: 'eth0', bootProtocol: 'static', ip: { address: '10.9.0.1', netmask: '24' } },
        ],
      },
    });
  });

  it('requires a disk path for Blank and checks addresses', () => {
    expect(validateVmForm(form, true).diskPath).toBeDefined();
    const bad = { ...form, nics: [{ profileId: '', address: '10.9.0.300', prefix: '40' }] };
    expect(validateVmForm(bad, false).nics?.[0]).toEqual({
      profileId: expect.any(String) as string,
      address: expect.any(String) as string,
      prefix: '1–32',
    });
    expect(toAddVmInput({ ...form, diskPath: '/img.qcow2' }, 'c', true).diskPath).toBe(
      '/img.qcow2',
    );
  });
});
