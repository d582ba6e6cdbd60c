// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { SegmentPlan } from '../host-agent';
import { canonicalizePlan } from './plan';

const base: SegmentPlan = { cidr: '10.0.0.0/24', ipVersion: 'v4' };

const problems = (plan: SegmentPlan, network = 'br0'): string[] => {
  const r = canonicalizePlan(network, plan);
  return 'problems' in r ? r.problems : [];
};

describe('canonicalizePlan', () => {
  it('makes defaults explicit: highest free address serves, resolver first, 1 h leases', () => {
    const r = canonicalizePlan('br0', {
      ...base,
      gateway: '10.0.0.1',
      dnsServers: ['192.0.2.53'],
      dhcpRange: { start: '10.0.0.100', end: '10.0.0.200' },
      dnsDomain: 'Lab.Test',
      staticLeases: [
        { mac: '52:54:00:00:00:0B', ip: '10.0.0.11', hostname: 'VM-b' },
        { mac: '52:54:00:00:00:0a', ip: '10.0.0.10' },
      ],
      names: [
        { name: 'vm-b', ip: '10.0.0.11' },
        { name: 'vm-a', ip: '10.0.0.10' },
      ],
    });
    expect(r).toEqual({
      plan: {
        network: 'br0',
        cidr: '10.0.0.0/24',
        prefix: 24,
        netmask: '255.255.255.0',
        networkAddress: '10.0.0.0',
        gateway: '10.0.0.1',
        serviceAddress: '10.0.0.254',
        dnsServers: ['10.0.0.254', '192.0.2.53'],
        dhcpRange: { start: '10.0.0.100', end: '10.0.0.200' },
        dnsDomain: 'lab.test',
        leaseSeconds: 3600,
        staticLeases: [
          { mac: '52:54:00:00:00:0a', ip: '10.0.0.10', hostname: null },
          { mac: '52:54:00:00:00:0b', ip: '10.0.0.11', hostname: 'vm-b' },
        ],
        names: [
          { name: 'vm-a', ip: '10.0.0.10' },
          { name: 'vm-b', ip: '10.0.0.11' },
        ],
      },
    });
  });

  it('skips addresses in use when it picks the service address', () => {
    const r = canonicalizePlan('br0', {
      ...base,
      gateway: '10.0.0.254',
      dhcpRange: { start: '10.0.0.200', end: '10.0.0.253' },
      staticLeases: [{ mac: '52:54:00:00:00:01', ip: '10.0.0.199' }],
    });
    expect('plan' in r && r.plan.serviceAddress).toBe('10.0.0.198');
  });

  it.each<[string, SegmentPlan, RegExp]>([
    ['host bits in the cidr', { ...base, cidr: '10.0.0.5/24' }, /not the network address/],
    ['a malformed cidr', { ...base, cidr: '10.0.0/24' }, /not an IPv4 CIDR/],
    ['a /31', { ...base, cidr: '10.0.0.0/31' }, /prefix/],
    ['IPv6', { ...base, ipVersion: 'v6' }, /only v4/],
    ['a gateway outside', { ...base, gateway: '10.0.1.1' }, /not a host address/],
    ['the broadcast as gateway', { ...base, gateway: '10.0.0.255' }, /not a host address/],
    ['an empty range', { ...base, dhcpRange: { start: '10.0.0.9', end: '10.0.0.8' } }, /is empty/],
    ['a newline in the domain', { ...base, dnsDomain: 'a.test\nserver=1.1.1.1' }, /domain/],
    ['a bad dns server', { ...base, dnsServers: ['8.8.8.8,1.1.1.1'] }, /dns server/],
    [
      'a bad MAC',
      { ...base, staticLeases: [{ mac: '52:54:00:00:00', ip: '10.0.0.2' }] },
      /not a MAC/,
    ],
    [
      'a MAC twice',
      {
        ...base,
        staticLeases: [
          { mac: '52:54:00:00:00:01', ip: '10.0.0.2' },
          { mac: '52:54:00:00:00:01', ip: '10.0.0.3' },
        ],
      },
      /twice/,
    ],
    [
      'an address twice',
      {
        ...base,
        staticLeases: [
          { mac: '52:54:00:00:00:01', ip: '10.0.0.2' },
          { mac: '52:54:00:00:00:02', ip: '10.0.0.2' },
        ],
      },
      /already static lease/,
    ],
    [
      'a lease on the gateway',
      {
        ...base,
        gateway: '10.0.0.1',
        staticLeases: [{ mac: '52:54:00:00:00:01', ip: '10.0.0.1' }],
      },
      /already the gateway/,
    ],
    [
      'a hostname with a comma',
      { ...base, staticLeases: [{ mac: '52:54:00:00:00:01', ip: '10.0.0.2', hostname: 'a,b' }] },
      /DNS label/,
    ],
    ['a name with a dot', { ...base, names: [{ name: 'a.b', ip: '10.0.0.2' }] }, /DNS label/],
    [
      'a service address in the range',
      {
        ...base,
        serviceAddress: '10.0.0.150',
        dhcpRange: { start: '10.0.0.100', end: '10.0.0.200' },
      },
      /inside the dhcp range/,
    ],
    ['a short lease', { ...base, leaseSeconds: 10 }, /lease time/],
  ])('refuses %s', (_what, plan, why) => {
    expect(problems(plan).join('\n')).toMatch(why);
  });

  it('refuses a bridge name that is not one', () => {
    expect(problems(base, 'a b')).toEqual(['"a b" is not a bridge name']);
  });
});
