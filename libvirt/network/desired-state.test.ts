// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { canonicalize } from './canonicalize';
import {
  desiredState,
  ISOLATED_SYSCTLS,
  type NetStep,
  restoreSteps,
  takeSnapshot,
  touchedDevices,
} from './desired-state';
import { facts, isolatedBridge, link } from './test-facts';

const eth0 = link('eth0', { ipv4: ['192.0.2.2/24'] });
const iso = (dev: string): NetStep => ({
  op: 'bridge-sysctls',
  dev,
  addrGenMode: 'none',
  sysctls: ISOLATED_SYSCTLS,
});

describe('desiredState (table)', () => {
  const cases: {
    name: string;
    host: ReturnType<typeof facts>;
    request: Parameters<typeof canonicalize>[0];
    steps: NetStep[];
  }[] = [
    {
      name: 'new NIC-less network: bridge, isolation before up, explicit MTU, up',
      host: facts([eth0]),
      request: { networks: { blue: { mtu: 9000 } } },
      steps: [
        { op: 'bridge-add', dev: 'blue', stp: false },
        iso('blue'),
        { op: 'set-mtu', dev: 'blue', mtu: 9000 },
        { op: 'up', dev: 'blue' },
      ],
    },
    {
      name: 'MTU 0 means 1500',
      host: facts([eth0]),
      request: { networks: { b: { mtu: 0 } } },
      steps: [
        { op: 'bridge-add', dev: 'b', stp: false },
        iso('b'),
        { op: 'set-mtu', dev: 'b', mtu: 1500 },
        { op: 'up', dev: 'b' },
      ],
    },
    {
      name: 'network already as desired: no steps',
      host: facts([eth0, isolatedBridge('blue', { mtu: 9000 })]),
      request: { networks: { blue: { mtu: 9000 } } },
      steps: [],
    },
    {
      name: 'MTU change also sets the taps',
      host: facts([
        eth0,
        isolatedBridge('blue', { mtu: 9000 }),
        link('tap1', { kind: 'tun', master: 'blue', mtu: 9000 }),
      ]),
      request: { networks: { blue: { mtu: 1500 } } },
      steps: [
        { op: 'set-mtu', dev: 'blue', mtu: 1500 },
        { op: 'set-mtu', dev: 'tap1', mtu: 1500 },
      ],
    },
    {
      name: 'drifted bridge: IPv6 on, an IPv4 address, STP on, down',
      host: facts([
        eth0,
        link('blue', {
          kind: 'bridge',
          stp: true,
          up: false,
          ipv4: ['10.9.9.1/24'],
          ipv6: ['fe80::1/64'],
        }),
      ]),
      request: { networks: { blue: {} } },
      steps: [
        { op: 'set-stp', dev: 'blue', stp: false },
        iso('blue'),
        { op: 'addr-del', dev: 'blue', cidr: '10.9.9.1/24' },
        { op: 'up', dev: 'blue' },
      ],
    },
    {
      name: 'NIC-backed: NIC MTU, enslave, NIC up',
      host: facts([eth0, link('v0', { kind: 'veth', up: false })]),
      request: { networks: { red: { nic: 'v0', mtu: 9000 } } },
      steps: [
        { op: 'bridge-add', dev: 'red', stp: false },
        iso('red'),
        { op: 'set-mtu', dev: 'red', mtu: 9000 },
        { op: 'set-mtu', dev: 'v0', mtu: 9000 },
        { op: 'enslave', dev: 'v0', master: 'red' },
        { op: 'up', dev: 'v0' },
        { op: 'up', dev: 'red' },
      ],
    },
    {
      name: 'NIC swap: release the old NIC, enslave the new one; taps stay',
      host: facts([
        eth0,
        isolatedBridge('red'),
        link('v0', { kind: 'veth', master: 'red' }),
        link('v1', { kind: 'veth' }),
        link('tap1', { kind: 'tun', master: 'red' }),
      ]),
      request: { networks: { red: { nic: 'v1' } } },
      steps: [
        { op: 'release', dev: 'v0' },
        { op: 'enslave', dev: 'v1', master: 'red' },
      ],
    },
    {
      name: 'NIC moves from a removed network to a new one: released first, bridge deleted last',
      host: facts([eth0, isolatedBridge('a'), link('v0', { kind: 'veth', master: 'a' })]),
      request: { networks: { a: { remove: true }, b: { nic: 'v0' } } },
      steps: [
        { op: 'release', dev: 'v0' },
        { op: 'bridge-add', dev: 'b', stp: false },
        iso('b'),
        { op: 'set-mtu', dev: 'b', mtu: 1500 },
        { op: 'enslave', dev: 'v0', master: 'b' },
        { op: 'up', dev: 'b' },
        { op: 'bridge-del', dev: 'a' },
      ],
    },
    {
      name: 'removing a missing network: nothing to do',
      host: facts([eth0]),
      request: { networks: { gone: { remove: true } } },
      steps: [],
    },
  ];
  it.each(cases)('$name', ({ host, request, steps }) => {
    expect(desiredState(host, canonicalize(request))).toEqual(steps);
  });
});

describe('restoreSteps', () => {
  it('deletes a bridge that did not exist and restores a NIC it took', () => {
    const before = facts([eth0, link('v0', { kind: 'veth', mtu: 1500 })]);
    const steps = desiredState(
      before,
      canonicalize({ networks: { red: { nic: 'v0', mtu: 9000 } } }),
    );
    const snap = takeSnapshot(before, touchedDevices(before, steps));
    const after = facts([
      eth0,
      isolatedBridge('red', { mtu: 9000 }),
      link('v0', { kind: 'veth', mtu: 9000, master: 'red' }),
    ]);
    expect(restoreSteps(snap, after)).toEqual([
      { op: 'bridge-del', dev: 'red' },
      { op: 'release', dev: 'v0' },
      { op: 'set-mtu', dev: 'v0', mtu: 1500 },
    ]);
  });

  it('re-creates a removed bridge with its MAC, settings, MTU, addresses and ports', () => {
    const was = link('old', {
      kind: 'bridge',
      mac: '02:aa:00:00:00:01',
      mtu: 9000,
      stp: true,
      ipv4: ['10.1.1.1/24'],
      ipv6: ['fd00:1::1/64', 'fe80::1/64'],
      sysctl: { disableIpv6: 0, arpIgnore: 0, rpFilter: 0 },
    });
    const snap = takeSnapshot(facts([eth0, was, link('v0', { kind: 'veth', master: 'old' })]), [
      'old',
      'v0',
    ]);
    expect(restoreSteps(snap, facts([eth0, link('v0', { kind: 'veth' })]))).toEqual([
      { op: 'bridge-add', dev: 'old', stp: true },
      {
        op: 'bridge-sysctls',
        dev: 'old',
        addrGenMode: 'eui64',
        sysctls: { disableIpv6: 0, arpIgnore: 0, rpFilter: 0 },
      },
      { op: 'set-mac', dev: 'old', mac: '02:aa:00:00:00:01' },
      { op: 'enslave', dev: 'v0', master: 'old' },
      { op: 'set-mtu', dev: 'old', mtu: 9000 },
      { op: 'addr-add', dev: 'old', cidr: '10.1.1.1/24' },
      { op: 'addr-add', dev: 'old', cidr: 'fd00:1::1/64' },
      { op: 'up', dev: 'old' },
    ]);
  });

  it('is empty when the host already matches the snapshot', () => {
    const host = facts([eth0, isolatedBridge('blue')]);
    expect(restoreSteps(takeSnapshot(host, ['blue', 'nope']), host)).toEqual([]);
  });
});
