// SPDX-License-Identifier: Apache-2.0
/**
 * Reading the bootable disk back from domain XML written by the real writer: it is the disk
 * attachment's `bootable` flag (oVirt's meaning), wherever `hd` stands in the boot order.
 */
import { describe, expect, it } from 'vitest';

import { DISKS_DOMAIN } from '../../test/fixtures/domain-desc';
import type { DomainDesc } from '../host-agent';
import { parseDomainDisks, parseDomainXml } from './domain-parse';
import { domainXml } from './domain-xml';

/** The shared VM plus a third disk on another bus, not bootable. */
const desc: DomainDesc = {
  ...DISKS_DOMAIN,
  disks: [
    ...(DISKS_DOMAIN.disks ?? []),
    { path: '/sd/d3/v', format: 'qcow2', bus: 'sata', bootable: false, serial: 'd3' },
  ],
};

const bootableOf = (xml: string): [string, boolean][] =>
  parseDomainDisks(xml).map((d) => [d.serial, d.bootable]);

const ONLY_D1: [string, boolean][] = [
  ['d2', false],
  ['d1', true],
  ['d3', false],
];

describe('parseDomainDisks: bootable is the attachment flag, not "boot order 1"', () => {
  it.each([
    [['hd'], ONLY_D1],
    [['cdrom', 'hd'], ONLY_D1],
    [['network', 'cdrom', 'hd'], ONLY_D1],
    [['hd', 'cdrom'], ONLY_D1],
  ] as const)('boot devices %j', (bootDevices, expected) => {
    const xml = domainXml(
      { ...desc, cdrom: { path: '/sd/iso/v' }, bootDevices },
      { accelerator: 'tcg' },
    );
    expect(bootableOf(xml)).toEqual(expected);
    // And the whole description reads back with the same flags.
    const back = parseDomainXml(xml);
    expect(back.boot).toEqual({ kind: 'disks' });
    expect(back.disks?.map((d) => d.bootable)).toEqual([false, true, false]);
  });

  it('an empty drive first in the order does not shift the bootable disk', () => {
    const xml = domainXml(
      { ...desc, cdrom: { path: null }, bootDevices: ['cdrom', 'hd'] },
      { accelerator: 'tcg' },
    );
    expect(bootableOf(xml)).toEqual(ONLY_D1);
  });

  it('boot from the CD-ROM alone: no disk reads bootable, the domain still boots from devices', () => {
    const xml = domainXml(
      { ...desc, cdrom: { path: '/sd/iso/v' }, bootDevices: ['cdrom'] },
      { accelerator: 'tcg' },
    );
    expect(bootableOf(xml)).toEqual([
      ['d2', false],
      ['d1', false],
      ['d3', false],
    ]);
    expect(parseDomainXml(xml).boot).toEqual({ kind: 'disks' });
  });

  it('a domain with neither a kernel nor any boot order is still refused', () => {
    const xml = domainXml(
      { ...desc, cdrom: { path: '/sd/iso/v' }, bootDevices: ['cdrom'] },
      { accelerator: 'tcg' },
    ).replace(/<boot order="\d+"\/>/g, '');
    expect(() => parseDomainXml(xml)).toThrow(/neither a kernel nor a disk to boot/);
  });
});
