// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { DeviceCounters } from '../host-agent';
import { networkDrift } from './drift';
import { reportNetwork } from './report';
import { deviceRates } from './statistics';
import { facts, isolatedBridge, link } from './test-facts';

describe('reportNetwork + networkDrift', () => {
  it('an isolated bridge as set up has no drift', () => {
    const host = facts([
      isolatedBridge('blue', { mtu: 9000 }),
      link('t1', { kind: 'tun', master: 'blue' }),
    ]);
    const report = reportNetwork(host, 'blue', null);
    expect(report).toMatchObject({
      exists: true,
      mtu: 9000,
      nic: null,
      taps: ['t1'],
      ipv6Disabled: true,
      ipv4HostBlocked: true,
    });
    expect(networkDrift({ mtu: 9000 }, report)).toEqual([]);
  });

  it('a missing bridge is only "missing"', () => {
    expect(networkDrift({}, reportNetwork(facts([]), 'blue', null))).toEqual([
      { field: 'missing', expected: 'bridge present', actual: 'missing' },
    ]);
  });

  it('reports every field that differs', () => {
    const host = facts([
      link('blue', {
        kind: 'bridge',
        mtu: 1500,
        stp: true,
        up: false,
        ipv4: ['10.0.0.1/24'],
        ipv6: ['fe80::1/64'],
      }),
      link('v0', { kind: 'veth', master: 'blue' }),
      link('v9', { kind: 'veth', master: 'blue' }),
    ]);
    const drift = networkDrift({ mtu: 9000, nic: 'v0' }, reportNetwork(host, 'blue', 'v0'));
    expect(drift.map((d) => d.field)).toEqual(['mtu', 'ports', 'ipv4', 'ipv6', 'stp', 'down']);
    expect(drift.find((d) => d.field === 'ports')?.actual).toBe('v9');
  });

  it('a NIC-less network with a foreign port has NIC drift', () => {
    const host = facts([isolatedBridge('blue'), link('v0', { kind: 'veth', master: 'blue' })]);
    expect(networkDrift({}, reportNetwork(host, 'blue', null))).toEqual([
      { field: 'nic', expected: 'none', actual: 'v0' },
    ]);
  });

  it('IPv6 enabled without addresses yet is still drift', () => {
    const host = facts([isolatedBridge('blue', { addrGenMode: 'eui64' })]);
    expect(networkDrift({}, reportNetwork(host, 'blue', null)).map((d) => d.field)).toEqual([
      'ipv6',
    ]);
  });
});

describe('deviceRates', () => {
  const sample = (at: number, rx: number, tx: number): DeviceCounters => ({
    device: 'blue',
    rxBytes: rx,
    txBytes: tx,
    rxPackets: rx / 100,
    txPackets: tx / 100,
    rxErrors: 0,
    txErrors: 0,
    rxDropped: 0,
    txDropped: 0,
    sampledAt: at,
  });
  it.each([
    ['two seconds apart', sample(1000, 1000, 0), sample(3000, 5000, 2000), { rx: 2000, tx: 1000 }],
    ['no time passed', sample(1000, 0, 0), sample(1000, 500, 500), { rx: 0, tx: 0 }],
    ['counter reset', sample(0, 9000, 9000), sample(1000, 100, 100), { rx: 0, tx: 0 }],
  ])('%s', (_n, a, b, want) => {
    const r = deviceRates(a, b);
    expect(r.rxBytesPerSecond).toBe(want.rx);
    expect(r.txBytesPerSecond).toBe(want.tx);
    expect(r.rxPacketsPerSecond).toBe(want.rx / 100);
  });
});
