// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { DomainDesc } from '../host-agent';
import { parseDomainXml } from './domain-parse';
import { domainXml, tinyGuestName } from './domain-xml';
import { escapeXml } from './xml-builder';

const base: DomainDesc = {
  uuid: '0b7c2d4e-1f2a-4b3c-8d9e-0a1b2c3d4e5f',
  name: 'vm1',
  memoryMiB: 192,
  vcpus: 1,
  boot: {
    kind: 'kernel',
    kernel: '/k/vmlinuz',
    initrd: '/k/initrd.gz',
    cmdline: 'console=ttyS0 quiet',
  },
  interfaces: [
    { mac: '52:54:00:00:00:01', bridge: 'blue', mtu: 9000, model: 'virtio', tap: 'hzab0' },
  ],
  serialLogPath: '/tmp/vm1.log',
};

describe('domain XML round trip', () => {
  it.each([
    ['plain', base],
    ['hostile name', { ...base, name: `a"b'c<d>&e</name><devices>` }],
    ['entity-looking name', { ...base, name: '&amp; &lt;x&gt; &#60;' }],
    ['numeric name and spaces', { ...base, name: ' 007 ' }],
    [
      'hostile paths and cmdline',
      {
        ...base,
        serialLogPath: "/tmp/it's <here>&.log",
        boot: { ...base.boot, cmdline: 'a="b" <c> & d' } as DomainDesc['boot'],
      },
    ],
    [
      'disk boot, two NICs',
      {
        ...base,
        boot: { kind: 'disk', diskPath: '/var/lib/x.qcow2' },
        interfaces: [
          ...base.interfaces,
          { mac: '52:54:00:00:00:02', bridge: 'green', mtu: 1500, model: 'e1000', tap: 'hzab1' },
        ],
      },
    ],
  ] as [string, DomainDesc][])('%s', (_n, desc) => {
    const xml = domainXml(desc, { accelerator: 'tcg' });
    const { accelerator, ...back } = parseDomainXml(xml);
    expect(back).toEqual(desc);
    expect(accelerator).toBe('tcg');
    // The hostile name never escapes its element: exactly one <devices> element.
    expect(xml.match(/<devices>/g)).toHaveLength(1);
  });

  it('writes the domain type from the probe, bridge interfaces with MTU and a logged serial console', () => {
    const xml = domainXml(base, { accelerator: 'kvm' });
    expect(xml).toMatch(/^<domain type="kvm">/);
    expect(domainXml(base, { accelerator: 'tcg' })).toMatch(/^<domain type="qemu">/);
    expect(xml).toContain('<interface type="bridge">');
    expect(xml).toContain('<source bridge="blue"/>');
    expect(xml).toContain('<model type="virtio"/>');
    expect(xml).toContain('<mtu size="9000"/>');
    expect(xml).toContain('<target dev="hzab0"/>');
    expect(xml).toContain('<log file="/tmp/vm1.log" append="off"/>');
    expect(xml).toContain('<console type="pty">');
  });

  it('boots the tiny guest with its addresses on the command line', () => {
    const desc: DomainDesc = {
      ...base,
      boot: { kind: 'tiny', addresses: [{ nic: 'eth0', address: '10.0.0.1', prefix: 24 }] },
    };
    const back = parseDomainXml(
      domainXml(desc, {
        accelerator: 'tcg',
        tinyGuest: { kernelPath: '/c/k', initrdPath: '/c/i' },
      }),
    );
    expect(back.boot).toEqual({
      kind: 'kernel',
      kernel: '/c/k',
      initrd: '/c/i',
      cmdline: 'console=ttyS0 quiet aio.name=vm1 aio.ip=eth0:10.0.0.1/24',
    });
    expect(tinyGuestName({ name: 'a b', uuid: '12345678-aaaa' })).toBe('vm-12345678');
  });

  it('refuses characters XML cannot carry', () => {
    expect(() => escapeXml('a\u0001b')).toThrow(/control character/);
  });
});
