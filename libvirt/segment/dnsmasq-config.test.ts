// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { renderDhcpHosts, renderDnsmasqConf, renderNames } from './dnsmasq-config';
import { renderFirewall } from './firewall';
import { parseLeases } from './leases';
import { segmentPaths } from './names';
import { canonicalizePlan, type CanonicalSegmentPlan } from './plan';
import { listeningPorts } from './report';

const canonical = (plan: Parameters<typeof canonicalizePlan>[1]): CanonicalSegmentPlan => {
  const r = canonicalizePlan('br0', plan);
  if (!('plan' in r)) throw new Error(r.problems.join('; '));
  return r.plan;
};
const paths = segmentPaths('/state', 'br0');

describe('dnsmasq files', () => {
  const plan = canonical({
    cidr: '10.0.0.0/24',
    ipVersion: 'v4',
    dhcpRange: { start: '10.0.0.100', end: '10.0.0.150' },
    dnsDomain: 'lab.test',
    leaseSeconds: 600,
    staticLeases: [{ mac: '52:54:00:00:00:01', ip: '10.0.0.11', hostname: 'vm1' }],
    names: [{ name: 'vm1', ip: '10.0.0.11' }],
  });

  it('listens on the namespace end only, with no upstream, no host files, no router', () => {
    const conf = renderDnsmasqConf(plan, paths).split('\n');
    for (const line of [
      'interface=seg0',
      'except-interface=lo',
      'bind-interfaces',
      'no-resolv',
      'no-hosts',
      'dhcp-authoritative',
      'dhcp-range=10.0.0.100,10.0.0.150,255.255.255.0,600',
      'dhcp-option=option:router',
      'dhcp-option=option:dns-server,10.0.0.254',
      'domain=lab.test',
      'local=/lab.test/',
      'pid-file=/state/segments/br0/dnsmasq.pid',
      'dhcp-leasefile=/state/segments/br0/leases',
      'dhcp-hostsfile=/state/segments/br0/dhcp-hosts',
      'addn-hosts=/state/segments/br0/names',
    ]) {
      expect(conf).toContain(line);
    }
    expect(conf.some((l) => l.startsWith('server='))).toBe(false);
  });

  it('hands out a gateway only when the plan has one; static-only without a range', () => {
    const conf = renderDnsmasqConf(
      canonical({ cidr: '10.1.0.0/16', ipVersion: 'v4', gateway: '10.1.0.1' }),
      paths,
    );
    expect(conf).toContain('dhcp-option=option:router,10.1.0.1\n');
    expect(conf).toContain('dhcp-range=10.1.0.0,static,255.255.0.0,3600\n');
    expect(conf).not.toContain('domain=');
  });

  it('writes static leases and names, FQDN first', () => {
    expect(renderDhcpHosts(plan)).toBe('52:54:00:00:00:01,10.0.0.11,vm1\n');
    expect(renderNames(plan)).toBe('10.0.0.11 vm1.lab.test vm1\n');
  });
});

describe('firewall', () => {
  it('drops by default and accepts DHCP and DNS only', () => {
    const rules = renderFirewall();
    expect(rules).toMatch(/hook input priority filter; policy drop;/);
    expect(rules).toMatch(/hook forward priority filter; policy drop;/);
    const accepts = rules.split('\n').filter((l) => l.trim().endsWith('accept'));
    expect(accepts.map((l) => l.trim())).toEqual([
      'iif "lo" accept',
      'ct state established,related accept',
      'udp dport 67 accept',
      'udp dport 53 accept',
      'tcp dport 53 accept',
    ]);
  });
});

describe('parseLeases', () => {
  it('reads dnsmasq lease lines and skips others', () => {
    const text = [
      '1764759600 52:54:00:AA:00:01 10.0.0.11 vm1 01:52:54:00:aa:00:01',
      '0 52:54:00:aa:00:02 10.0.0.12 * *',
      'duid 00:01:00:01',
      '',
    ].join('\n');
    expect(parseLeases(text)).toEqual([
      { mac: '52:54:00:aa:00:01', ip: '10.0.0.11', hostname: 'vm1', expiresAt: 1764759600000 },
      { mac: '52:54:00:aa:00:02', ip: '10.0.0.12', hostname: null, expiresAt: null },
    ]);
  });
});

describe('listeningPorts', () => {
  const header =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid';
  it('reads UDP ports and listening TCP ports from /proc/net tables', () => {
    const udp = `${header}\n  1: 00000000:0043 00000000:0000 07 00000000:00000000 00:00000000 00000000 0\n  2: FE004E0A:0035 00000000:0000 07 0 0`;
    const tcp = `${header}\n  0: FE004E0A:0035 00000000:0000 0A 0\n  1: FE004E0A:0016 0B004E0A:C350 01 0`;
    expect([...listeningPorts(udp, false)].sort()).toEqual([53, 67]);
    expect([...listeningPorts(tcp, true)]).toEqual([53]);
  });
});
