// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { HIDDEN_PASSWORD, type Initialization } from '../../../../main/contract/vms';
import {
  EMPTY_INITIAL_RUN,
  initialRunFrom,
  nicAddressingFrom,
  toInitialization,
  validateInitialRun,
} from './initial-run';

const stored: Initialization = {
  hostName: 'web1',
  rootPassword: HIDDEN_PASSWORD,
  timezone: 'Europe/Paris',
  customScript: 'runcmd: []',
  nicConfigurations: [
    {
      name: 'eth0',
      bootProtocol: 'static',
      ip: { address: '10.0.0.5', netmask: '24', gateway: '10.0.0.1' },
    },
    { name: 'eth3', bootProtocol: 'dhcp' },
  ],
};

describe('initial run (cloud-init) in the dialogs', () => {
  it('asks for nothing when nothing is filled in', () => {
    expect(
      toInitialization(EMPTY_INITIAL_RUN, [{ bootProtocol: 'static', address: '', prefix: '24' }]),
    ).toBeUndefined();
  });

  it('edits keep what the dialog does not show and the stored password', () => {
    const values = initialRunFrom(stored);
    expect(values.rootPassword).toBe('');
    const nics = nicAddressingFrom(stored, 2);
    expect(nics).toEqual([
      { bootProtocol: 'static', address: '10.0.0.5', prefix: '24' },
      { bootProtocol: 'static', address: '', prefix: '24' },
    ]);
    const out = toInitialization(
      { ...values, hostName: 'web2' },
      [
        { bootProtocol: 'static', address: '10.0.0.6', prefix: '24' },
        { bootProtocol: 'dhcp', address: '', prefix: '24' },
      ],
      true,
      stored,
    );
    expect(out).toEqual({
      hostName: 'web2',
      rootPassword: HIDDEN_PASSWORD,
      timezone: 'Europe/Paris',
      customScript: 'runcmd: []',
      nicConfigurations: [
        { name: 'eth3', bootProtocol: 'dhcp' },
        {
          name: 'eth0',
          bootProtocol: 'static',
          ip: { address: '10.0.0.6', netmask: '24', gateway: '10.0.0.1' },
        },
        { name: 'eth1', bootProtocol: 'dhcp' },
      ],
    });
  });

  it('checks host name, user and keys', () => {
    expect(validateInitialRun({ ...EMPTY_INITIAL_RUN, hostName: 'web-1.lab' })).toEqual({});
    expect(validateInitialRun({ ...EMPTY_INITIAL_RUN, hostName: '-x' }).hostName).toBeDefined();
    expect(
      validateInitialRun({ ...EMPTY_INITIAL_RUN, sshKeys: 'ssh-ed25519 AAAAC3Nz lab@aio\n' }),
    ).toEqual({});
  });
});
