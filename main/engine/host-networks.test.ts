// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { Network } from '../contract/networks';
import { desiredSetup, effectiveMtu, reportedConfigurations } from './host-networks';

const net: Network = {
  id: 'n',
  name: 'blue',
  description: '',
  comment: '',
  dataCenterId: 'dc',
  mtu: 9000,
  vlanId: null,
  stp: false,
  vmNetwork: true,
  isolated: true,
  portIsolation: false,
  vdsmName: 'blue',
  label: null,
};
const report = {
  name: 'blue',
  exists: true,
  mtu: 9000,
  nic: null,
  bridged: true,
  stp: false,
  taps: ['ta1'],
  ipv4: [],
  ipv6: [],
};

describe('host network desired state and reports', () => {
  it('makes defaults explicit', () => {
    expect(effectiveMtu(0)).toBe(1500);
    expect(desiredSetup({ ...net, mtu: 0 }, null)).toEqual({
      mtu: 1500,
      bridged: true,
      stp: false,
    });
    expect(desiredSetup(net, 'eth0')).toEqual({
      nic: 'eth0',
      mtu: 9000,
      bridged: true,
      stp: false,
    });
  });
  it('is in sync when the host matches, taps notwithstanding', () => {
    const r = reportedConfigurations(net, null, report);
    expect(r.inSync).toBe(true);
    expect(r.configurations.find((c) => c.name === 'ports')).toMatchObject({
      expectedValue: '',
      actualValue: 'ta1',
      inSync: true,
    });
  });
  it('reports MTU drift, a missing bridge and an unexpected uplink', () => {
    expect(
      reportedConfigurations(net, null, { ...report, mtu: 1500 }).configurations.find(
        (c) => c.name === 'mtu',
      ),
    ).toMatchObject({
      expectedValue: '9000',
      actualValue: '1500',
      inSync: false,
    });
    expect(reportedConfigurations(net, null, { ...report, exists: false, mtu: null }).inSync).toBe(
      false,
    );
    expect(reportedConfigurations(net, null, { ...report, nic: 'eth0' }).inSync).toBe(false);
  });
});
