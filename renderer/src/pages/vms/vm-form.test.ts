// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { hasErrors, toAddVmInput, validateVmForm, type VmFormValues } from './vm-form';

const form: VmFormValues = {
  name: 'vm1',
  templateId: 't',
  diskId: '',
  clone: false,
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

  it('requires a disk for Blank and checks addresses', () => {
    expect(validateVmForm(form, true).diskId).toBeDefined();
    expect(validateVmForm({ ...form, diskId: 'd' }, true).diskId).toBeUndefined();
    const bad = { ...form, nics: [{ profileId: '', address: '10.9.0.300', prefix: '40' }] };
    expect(validateVmForm(bad, false).nics?.[0]).toEqual({
      profileId: expect.any(String) as string,
      address: expect.any(String) as string,
      prefix: '1–32',
    });
  });

  it('adds the initial run (cloud-init) and DHCP NICs to the initialization', () => {
    const input = toAddVmInput(
      {
        ...form,
        nics: [...form.nics, { profileId: 'p', address: '', prefix: '24', bootProtocol: 'dhcp' }],
        initialRun: { hostName: 'web1', userName: 'lab', rootPassword: 'pw', sshKeys: '' },
      },
      'c',
      true,
    );
    expect(input.initialization).toEqual({
      hostName: 'web1',
      userName: 'lab',
      rootPassword: 'pw',
      nicConfigurations: [
        { name: 'eth0', bootProtocol: 'static', ip: { address: '10.9.0.1', netmask: '24' } },
        { name: 'eth1', bootProtocol: 'dhcp' },
      ],
    });
    const bad = validateVmForm(
      {
        ...form,
        initialRun: { hostName: 'a b', userName: 'Root', rootPassword: '', sshKeys: 'x' },
      },
      false,
    );
    expect(Object.keys(bad.initialRun ?? {}).sort()).toEqual(['hostName', 'sshKeys', 'userName']);
    expect(hasErrors(bad)).toBe(true);
  });

  it('asks for a clone only from a template with disks', () => {
    expect(toAddVmInput({ ...form, clone: true }, 'c', true).clone).toBe(true);
    expect(toAddVmInput({ ...form, clone: true }, 'c', false).clone).toBeUndefined();
    expect(toAddVmInput(form, 'c', true).clone).toBeUndefined();
  });
});
