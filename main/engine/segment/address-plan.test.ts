// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  canonicalAddressPlan,
  dnsLabelOf,
  parseIpv4,
  parseIpv4Cidr,
} from '../../contract/networks';
import { resolveAddressPlan } from './address-plan.validator';
import type { DesiredSegment } from './segment-plan';
import { segmentChanges } from './segment-services';

describe('address plan rules (pure, shared by UI and engine)', () => {
  it('parses IPv4 strictly', () => {
    expect(parseIpv4('10.0.0.1')).toBe(167772161);
    for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', 'a.b.c.d', ' 10.0.0.1'])
      expect(parseIpv4(bad)).toBeNull();
    expect(parseIpv4Cidr('10.0.0.0/24')).toEqual({ network: 167772160, prefix: 24 });
    expect(parseIpv4Cidr('10.0.0.1/24')).toBeNull();
  });

  it('picks the service address: highest host address outside the range and not the gateway', () => {
    const r = canonicalAddressPlan(
      {
        subnet: { cidr: '10.0.0.0/29', gateway: '10.0.0.6' },
        dhcpRange: { start: '10.0.0.4', end: '10.0.0.5' },
      },
      'n',
    );
    expect(r.ok && r.plan.serviceAddress).toBe('10.0.0.3');
    const full = canonicalAddressPlan(
      { subnet: { cidr: '10.0.0.0/30' }, dhcpRange: { start: '10.0.0.1', end: '10.0.0.2' } },
      'n',
    );
    expect(full.ok).toBe(false);
  });

  it('reports every problem with its field', () => {
    const r = canonicalAddressPlan(
      {
        subnet: { cidr: '10.0.0.0/24', gateway: '10.1.0.1', dnsServers: ['x'] },
        dhcpRange: { start: '10.0.0.9', end: '10.0.0.3' },
        dnsDomain: '-bad-',
      },
      'n',
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.map((p) => p.field)).toEqual([
        'subnet.gateway',
        'subnet.dns_servers',
        'dhcp_range',
        'dns_domain',
      ]);
  });

  it('maps VM names to DNS labels or refuses them', () => {
    expect(dnsLabelOf('Web_Server.1')).toBe('web-server-1');
    expect(dnsLabelOf('---')).toBeNull();
    expect(dnsLabelOf('x'.repeat(70))).toHaveLength(63);
  });

  it('needs an isolated network; absent keeps, null turns off', () => {
    const plan = { subnet: { cidr: '10.0.0.0/24' } };
    expect('failure' in resolveAddressPlan(plan, null, { name: 'n', isolated: false })).toBe(true);
    const on = resolveAddressPlan(plan, null, { name: 'n', isolated: true });
    expect('plan' in on && on.plan?.subnet.name).toBe('n-subnet');
    const stored = 'plan' in on ? on.plan : null;
    expect(resolveAddressPlan(undefined, stored, { name: 'n', isolated: true })).toEqual({
      plan: stored,
    });
    expect(resolveAddressPlan(null, stored, { name: 'n', isolated: true })).toEqual({ plan: null });
  });
});

describe('segmentChanges', () => {
  const seg = (dnsDomain: string): DesiredSegment => ({
    networkId: 'id',
    vdsmName: 'br',
    plan: { cidr: '10.0.0.0/24', ipVersion: 'v4', dnsDomain },
    leases: [],
    allocate: [],
    release: [],
    problems: [],
  });
  it('lists only services that differ, plus touched bridges that carry one', () => {
    const a = new Map([['br', seg('a.test')]]);
    expect(segmentChanges(a, a, [])).toEqual([]);
    expect(segmentChanges(a, a, ['br', 'other'])).toEqual([
      { network: 'br', before: a.get('br')?.plan, after: a.get('br')?.plan },
    ]);
    const b = new Map([['br', seg('b.test')]]);
    expect(segmentChanges(a, b, [])).toHaveLength(1);
    expect(segmentChanges(a, new Map(), [])).toEqual([
      { network: 'br', before: a.get('br')?.plan, after: null },
    ]);
  });
});
