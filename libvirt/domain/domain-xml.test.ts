// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { DomainDesc } from '../host-agent';
import { parseDomainXml } from './domain-parse';
import { diskTargetName, diskTargets, domainXml, tinyGuestName } from './domain-xml';
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
    [
      'boot from disks: virtio, virtio_scsi and sata, read-only, hostile path',
      {
        ...base,
        boot: { kind: 'disks' },
        disks: [
          {
            path: '/sd/images/a/data',
            format: 'raw',
            bus: 'sata',
            bootable: false,
            serial: 'data-disk',
          },
          {
            path: "/sd/images/b/it's <top>&",
            format: 'qcow2',
            bus: 'virtio',
            bootable: true,
            serial: '0b7c2d4e-1f2a-4b3c',
          },
          {
            path: '/sd/images/c/v',
            format: 'qcow2',
            bus: 'virtio_scsi',
            bootable: false,
            readOnly: true,
            serial: 'c',
          },
        ],
      },
    ],
    [
      'boot from disks with the cloud-init seed as a CD-ROM, hostile path',
      {
        ...base,
        boot: { kind: 'disks' },
        disks: [{ path: '/sd/b', format: 'qcow2', bus: 'virtio', bootable: true, serial: 'b' }],
        cdroms: [{ path: "/state/cloud-init/it's <seed>&.iso" }],
      },
    ],
    [
      'kernel boot with a data disk',
      {
        ...base,
        disks: [{ path: '/sd/d', format: 'qcow2', bus: 'virtio', bootable: false, serial: 'd1' }],
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

  it('writes disks with targets per bus, serial, boot order on the bootable disk, and a virtio-scsi controller', () => {
    const desc: DomainDesc = {
      ...base,
      boot: { kind: 'disks' },
      disks: [
        { path: '/sd/a', format: 'raw', bus: 'sata', bootable: false, serial: 'a' },
        { path: '/sd/b', format: 'qcow2', bus: 'virtio', bootable: true, serial: 'x'.repeat(40) },
        { path: '/sd/c', format: 'qcow2', bus: 'virtio_scsi', bootable: false, serial: 'c' },
        { path: '/sd/d', format: 'qcow2', bus: 'virtio', bootable: false, serial: 'd' },
      ],
    };
    const xml = domainXml(desc, { accelerator: 'tcg' });
    expect(xml).not.toMatch(/<os>[\s\S]*<boot dev/);
    expect(xml).toContain('<target dev="sda" bus="sata"/>');
    expect(xml).toContain('<target dev="vda" bus="virtio"/>');
    expect(xml).toContain('<target dev="sdb" bus="scsi"/>');
    expect(xml).toContain('<target dev="vdb" bus="virtio"/>');
    expect(xml).toContain('<controller type="scsi" index="0" model="virtio-scsi"/>');
    expect(xml).toContain(
      '<driver name="qemu" type="qcow2" cache="none" io="native" discard="unmap"/>',
    );
    expect(xml).toContain(`<serial>${'x'.repeat(20)}</serial>`);
    // The bootable disk boots first, the others follow in the VM's order.
    const orders = [...xml.matchAll(/<source file="([^"]+)"\/>[\s\S]*?<boot order="(\d)"\/>/g)];
    expect(orders.map((m) => [m[1], m[2]])).toEqual([
      ['/sd/a', '2'],
      ['/sd/b', '1'],
      ['/sd/c', '3'],
      ['/sd/d', '4'],
    ]);
    expect(() =>
      domainXml(
        { ...desc, disks: desc.disks?.map((d) => ({ ...d, bootable: false })) ?? [] },
        { accelerator: 'tcg' },
      ),
    ).toThrow(/none is bootable/);
  });

  it('puts CD-ROMs on virtio-scsi (the cloud kernel has no AHCI), on sd* names the disks left free, one controller', () => {
    const desc: DomainDesc = {
      ...base,
      boot: { kind: 'disks' },
      disks: [
        { path: '/sd/a', format: 'qcow2', bus: 'virtio_scsi', bootable: true, serial: 'a' },
        { path: '/sd/b', format: 'raw', bus: 'sata', bootable: false, serial: 'b' },
      ],
      cdroms: [{ path: '/state/cloud-init/vm.iso' }],
    };
    const xml = domainXml(desc, { accelerator: 'tcg' });
    expect(xml).toMatch(
      /<disk type="file" device="cdrom">\s*<driver name="qemu" type="raw"\/>\s*<source file="\/state\/cloud-init\/vm.iso"\/>\s*<target dev="sdc" bus="scsi"\/>\s*<readonly\/>\s*<\/disk>/,
    );
    expect(xml.match(/<controller type="scsi"/g)).toHaveLength(1);
    // Without SCSI disks the CD-ROM brings the controller itself.
    const alone = domainXml(
      {
        ...desc,
        disks: [{ path: '/sd/a', format: 'qcow2', bus: 'virtio', bootable: true, serial: 'a' }],
      },
      { accelerator: 'tcg' },
    );
    expect(alone).toContain('<target dev="sda" bus="scsi"/>');
    expect(alone).toContain('<controller type="scsi" index="0" model="virtio-scsi"/>');
    expect(domainXml({ ...desc, cdroms: [] }, { accelerator: 'tcg' })).not.toContain('cdrom');
  });

  it('names disk targets as the kernel does', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map((i) => diskTargetName('vd', i))).toEqual([
      'vda',
      'vdb',
      'vdz',
      'vdaa',
      'vdab',
      'vdzz',
      'vdaaa',
    ]);
    expect(
      diskTargets(
        [
          { path: '/a', format: 'raw', bus: 'virtio', bootable: false, serial: '' },
          { path: '/b', format: 'raw', bus: 'virtio', bootable: false, serial: '' },
        ],
        ['vda'],
      ),
    ).toEqual(['vdb', 'vdc']);
  });

  it('refuses characters XML cannot carry', () => {
    expect(() => escapeXml('a\u0001b')).toThrow(/control character/);
  });
});
