// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { HostError } from '../../main/contract/errors';
import { canonicalize } from './canonicalize';
import { facts, isolatedBridge, link } from './test-facts';
import { validateRequest } from './validate';

const host = facts([
  link('eth0', { ipv4: ['192.0.2.2/24'] }),
  link('v0', { kind: 'veth', maxMtu: 9000 }),
  link('v1', { kind: 'veth', master: 'other' }),
  link('other', { kind: 'bridge' }),
  link('taken', { kind: 'veth' }),
  isolatedBridge('blue'),
  link('virbr0', { kind: 'bridge', ipv4: ['192.168.122.1/24'] }),
  link('spare', { kind: 'bridge', ipv6: ['fe80::1/64'] }),
  link('tap1', { kind: 'tun', master: 'blue' }),
]);

describe('canonicalize', () => {
  it('makes defaults explicit', () => {
    expect(canonicalize({ networks: { b: {}, a: { mtu: 0, nic: 'v0', stp: true } } })).toEqual({
      setups: [
        { name: 'a', nic: 'v0', mtu: 1500, bridged: true, stp: true },
        { name: 'b', nic: null, mtu: 1500, bridged: true, stp: false },
      ],
      removals: [],
    });
  });
  it('rejects impossible MTUs', () => {
    expect(() => canonicalize({ networks: { b: { mtu: 70000 } } })).toThrow(HostError);
    expect(() => canonicalize({ networks: { b: { mtu: 9000.5 } } })).toThrow(/MTU/);
  });
});

describe('validateRequest', () => {
  const check = (request: Parameters<typeof canonicalize>[0]): string[] =>
    validateRequest(canonicalize(request), host, new Set(['blue']));

  it.each([
    ['valid NIC-less network', { networks: { green: { mtu: 9000 } } }, []],
    ['adopting an unmanaged bridge without addresses', { networks: { spare: {} } }, []],
    [
      'adopting an unmanaged bridge with host addresses',
      { networks: { virbr0: {} } },
      [/carries addresses \(192\.168\.122\.1\/24\)/],
    ],
    ['valid NIC-backed network', { networks: { red: { nic: 'v0', mtu: 9000 } } }, []],
    ['name longer than 15', { networks: { abcdefghijklmnop: {} } }, [/1–15 characters/]],
    ['name with a quote', { networks: { "a'b": {} } }, [/1–15 characters/]],
    ['name starting with -', { networks: { '-x': {} } }, [/1–15 characters/]],
    ['name taken by a non-bridge', { networks: { taken: {} } }, [/not a bridge/]],
    ['unknown NIC', { networks: { red: { nic: 'nope' } } }, [/does not exist/]],
    ['NIC enslaved elsewhere', { networks: { red: { nic: 'v1' } } }, [/already enslaved to other/]],
    [
      'MTU above the NIC maximum',
      { networks: { red: { nic: 'v0', mtu: 9001 } } },
      [/maximum MTU 9000/],
    ],
    ['the uplink', { networks: { red: { nic: 'eth0' } } }, [/host's addresses/]],
    ['a tap is not a NIC', { networks: { red: { nic: 'tap1' } } }, [/not a NIC/]],
    [
      'removing a network with taps',
      { networks: { blue: { remove: true } } },
      [/taps are still attached/],
    ],
    ['removing a foreign bridge', { networks: { other: { remove: true } } }, [/not managed/]],
  ] as const)('%s', (_name, request, expected) => {
    const problems = check(request);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => {
      expect(problems[i]).toMatch(re);
    });
  });
});
