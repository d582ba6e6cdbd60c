// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  debianGuestHash,
  type DebianGuestInputs,
  DISK,
  fstab,
  kernelCmdline,
  parseAptPolicy,
  rootUuid,
  sfdiskScript,
  syslinuxConfig,
} from './build-debian-guest';

const builder = { path: 'build/guest/build-debian-guest.ts', executable: false, sha256: 'aa' };
const cfg = { path: 'build/guest/debian/etc/hostname', executable: false, sha256: 'bb' };
const inputs: DebianGuestInputs = {
  suite: 'bookworm',
  packages: { 'cloud-init': '22.4.2-1+deb12u3', 'linux-image-cloud-amd64': '6.1.158-1' },
  sources: [builder, cfg],
};

describe('debianGuestHash', () => {
  it('is stable and independent of source and package order', () => {
    const reordered: DebianGuestInputs = {
      ...inputs,
      packages: Object.fromEntries(Object.entries(inputs.packages).reverse()),
      sources: [...inputs.sources].reverse(),
    };
    expect(debianGuestHash(inputs)).toMatch(/^[0-9a-f]{16}$/);
    expect(debianGuestHash(reordered)).toBe(debianGuestHash(inputs));
  });

  it.each([
    ['a package version', { ...inputs, packages: { ...inputs.packages, 'cloud-init': '23.1-1' } }],
    ['the suite', { ...inputs, suite: 'trixie' }],
    ['an overlay file', { ...inputs, sources: [builder, { ...cfg, sha256: 'bc' }] }],
    ['an executable bit', { ...inputs, sources: [builder, { ...cfg, executable: true }] }],
  ])('changes with %s', (_what, changed: DebianGuestInputs) => {
    expect(debianGuestHash(changed)).not.toBe(debianGuestHash(inputs));
  });
});

describe('boot configuration', () => {
  const uuid = rootUuid('0123456789abcdef');

  it('derives a well-formed, stable root UUID from the hash', () => {
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rootUuid('0123456789abcdef')).toBe(uuid);
    expect(rootUuid('0123456789abcdee')).not.toBe(uuid);
  });

  it('boots the root by UUID with the console on ttyS0 and eth0-style NIC names', () => {
    const cmdline = kernelCmdline(uuid);
    expect(cmdline).toContain(`root=UUID=${uuid}`);
    // The last console= is /dev/console: systemd's messages and the login prompt go there.
    expect(cmdline.match(/console=\S+/g)?.at(-1)).toBe('console=ttyS0,115200n8');
    expect(cmdline).toContain('net.ifnames=0');
    const cfg = syslinuxConfig(uuid);
    expect(cfg).toMatch(/^SERIAL 0 115200$/m);
    expect(cfg).toMatch(/^TIMEOUT 0$/m);
    expect(cfg).toContain(`APPEND ${cmdline}`);
    expect(fstab(uuid)).toBe(`UUID=${uuid} / ext4 defaults,errors=remount-ro 0 1\n`);
  });

  it('lays out a 1 MiB-aligned bootable FAT partition, then the root to the end', () => {
    expect(DISK.rootStart).toBe(DISK.bootStart + DISK.bootSectors);
    expect(DISK.bootStart % 2048).toBe(0);
    expect(DISK.rootStart % 2048).toBe(0);
    expect(sfdiskScript()).toBe(
      'label: dos\nstart=2048, size=131072, type=e, bootable\nstart=133120, type=83\n',
    );
  });
});

describe('parseAptPolicy', () => {
  it('reads each candidate and skips packages without one', () => {
    const text = [
      'cloud-init:',
      '  Installed: (none)',
      '  Candidate: 22.4.2-1+deb12u3',
      '  Version table:',
      '     22.4.2-1+deb12u3 500',
      'nosuch:',
      '  Installed: (none)',
      '  Candidate: (none)',
      'sudo:',
      '  Installed: 1.9.13p3-1+deb12u2',
      '  Candidate: 1.9.13p3-1+deb12u2',
      '',
    ].join('\n');
    expect(parseAptPolicy(text)).toEqual({
      'cloud-init': '22.4.2-1+deb12u3',
      sudo: '1.9.13p3-1+deb12u2',
    });
  });
});
