// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { networkDrift } from '../../libvirt/host-agent';
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
  it("decides in_sync with the host layer's networkDrift (one drift rule)", () => {
    // A foreign port on the bridge is drift for the host layer, so it is out of sync here too.
    const foreign = reportedConfigurations(net, null, { ...report, otherPorts: ['veth9'] });
    expect(foreign.inSync).toBe(false);
    expect(
      networkDrift({ mtu: net.mtu, stp: net.stp }, { ...report, otherPorts: ['veth9'] }),
    ).toEqual([{ field: 'ports', expected: 'NIC and VM taps only', actual: 'veth9' }]);
    expect(foreign.configurations.filter((c) => !c.inSync).map((c) => c.name)).toEqual(['ports']);
    // The host answers on the bridge: the isolation entry is the one out of sync.
    const open = reportedConfigurations(net, null, {
      ...report,
      ipv6Disabled: true,
      ipv4HostBlocked: false,
    });
    expect(open.inSync).toBe(false);
    expect(open.configurations.filter((c) => !c.inSync).map((c) => c.name)).toEqual(['isolation']);
    // Every report the drift function accepts is in sync, and the other way round.
    for (const r of [
      report,
      { ...report, mtu: 1500 },
      { ...report, up: false },
      { ...report, ipv4: ['10.0.0.1/24'] },
    ]) {
      expect(reportedConfigurations(net, null, r).inSync).toBe(
        networkDrift({ mtu: net.mtu, stp: net.stp }, r).length === 0,
      );
    }
  });
});
