// SPDX-License-Identifier: Apache-2.0
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { DISKS_DOMAIN } from '../../test/fixtures/domain-desc';
import { bootOrders, isIsoImage, parseCdromTarget } from './cdrom';
import { domainXml } from './domain-xml';

const desc = DISKS_DOMAIN;

/** `<boot order>` of the device whose XML contains `marker`. */
function orderOf(xml: string, tag: 'disk' | 'interface', marker: string): string | null {
  const el = (xml.match(new RegExp(`<${tag}\\b[\\s\\S]*?</${tag}>`, 'g')) ?? []).find((e) =>
    e.includes(marker),
  );
  return el === undefined ? null : (/<boot order=["'](\d+)["']\/>/.exec(el)?.[1] ?? 'none');
}

describe('boot order (oVirt os.boot.devices)', () => {
  it('numbers devices in the order given, the bootable disk first among the disks', () => {
    expect(bootOrders(['cdrom', 'hd'], true, [1, 0], 1)).toEqual({
      cdrom: 1,
      disks: new Map([
        [1, 2],
        [0, 3],
      ]),
      interfaces: new Map(),
    });
    expect(bootOrders(['network', 'cdrom'], false, [0], 2)).toEqual({
      cdrom: null,
      disks: new Map(),
      interfaces: new Map([
        [0, 1],
        [1, 2],
      ]),
    });
  });

  it('puts the CD-ROM drive (alias ua-cdrom) first with cdrom,hd; empty drive has no source', () => {
    const xml = domainXml(
      { ...desc, cdrom: { path: '/sd/iso/v' }, bootDevices: ['cdrom', 'hd'] },
      { accelerator: 'tcg' },
    );
    expect(orderOf(xml, 'disk', 'alias name="ua-cdrom"')).toBe('1');
    expect(orderOf(xml, 'disk', '/sd/d1/v')).toBe('2');
    expect(orderOf(xml, 'disk', '/sd/d2/v')).toBe('3');
    expect(orderOf(xml, 'interface', 'ta1')).toBe('none');
    expect(parseCdromTarget(xml)).toBe('sda');
    expect(xml.match(/model="virtio-scsi"/g)).toHaveLength(1);

    const empty = domainXml({ ...desc, cdrom: { path: null } }, { accelerator: 'tcg' });
    const drive = /<disk type="file" device="cdrom">[\s\S]*?<\/disk>/.exec(empty)?.[0] ?? '';
    expect(drive).not.toContain('<source');
    expect(drive).not.toContain('<boot');
    expect(orderOf(empty, 'disk', '/sd/d1/v')).toBe('1');
  });

  it('keeps the seed CD-ROM after the drive, on another target; network boot orders NICs', () => {
    const xml = domainXml(
      {
        ...desc,
        cdrom: { path: '/sd/iso/v' },
        cdroms: [{ path: '/seed.iso' }],
        bootDevices: ['network', 'hd'],
      },
      { accelerator: 'tcg' },
    );
    expect(orderOf(xml, 'interface', 'ta1')).toBe('1');
    expect(orderOf(xml, 'disk', '/sd/d1/v')).toBe('2');
    expect(orderOf(xml, 'disk', 'alias name="ua-cdrom"')).toBe('none');
    const seed = /<disk[^>]*device="cdrom">(?:(?!<\/disk>)[\s\S])*\/seed\.iso[\s\S]*?<\/disk>/.exec(
      xml,
    )?.[0];
    expect(seed).toContain('dev="sdb"');
  });

  it('lets a diskless VM boot from its CD, refuses one with nothing to boot', () => {
    const diskless = { ...desc, disks: [], interfaces: [] };
    expect(() =>
      domainXml(
        { ...diskless, cdrom: { path: '/iso' }, bootDevices: ['cdrom'] },
        { accelerator: 'tcg' },
      ),
    ).not.toThrow();
    expect(() => domainXml({ ...diskless, bootDevices: ['hd'] }, { accelerator: 'tcg' })).toThrow(
      /none is bootable/,
    );
  });
});

describe('isIsoImage', () => {
  it('knows an ISO 9660 image by its volume descriptor', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aio-iso-'));
    try {
      const iso = Buffer.alloc(40_000);
      iso.write('CD001', 0x8001, 'latin1');
      await writeFile(join(dir, 'a.iso'), iso);
      await writeFile(join(dir, 'b.raw'), Buffer.alloc(40_000));
      await writeFile(join(dir, 'short'), 'x');
      expect(await isIsoImage(join(dir, 'a.iso'))).toBe(true);
      expect(await isIsoImage(join(dir, 'b.raw'))).toBe(false);
      expect(await isIsoImage(join(dir, 'short'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
