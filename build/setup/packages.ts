// SPDX-License-Identifier: Apache-2.0
// Step: the Debian packages the product (and, for `npm test`, the tests) need.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { run, runInherit } from './exec';
import { ExitCode, SetupError, type SetupStep } from './step';

/** The dependency-free package logic the bootstrap uses too, run through its CLI. */
const debianMjs = join(dirname(fileURLToPath(import.meta.url)), '..', 'debian.mjs');

/** What the product needs at run time: libvirt + QEMU, the guest's userland, bridges. */
export const PRODUCT_PACKAGES = [
  'libvirt-daemon',
  'libvirt-daemon-driver-qemu',
  'libvirt-clients',
  'libvirt-dev',
  'qemu-system-x86',
  'qemu-utils',
  'busybox-static',
  'dnsmasq-base',
  'iproute2',
  // The bundled debian-12 guest (build/guest/build-debian-guest.ts): the root file system from
  // the machine's apt sources, and a partitioned disk with a boot loader, built without mounting.
  'mmdebstrap',
  'fdisk',
  'dosfstools',
  'mtools',
  'syslinux',
  'syslinux-common',
  'nftables',
  'openssl',
  'procps',
  'xorriso',
  // Issue 16: the bootable "tiny" installer ISO (build/guest/build-tiny-iso.ts): grub-mkrescue
  // (grub-common) with the BIOS boot images (grub-pc-bin); it also needs xorriso and mtools.
  'grub-common',
  'grub-pc-bin',
] as const;

/**
 * Only the tests need these: Chromium for the UI tests, libgovirt for the oVirt-client tests,
 * iptables for libvirt-managed networks (the benchmark's baseline; the product uses none).
 */
export const TEST_PACKAGES = [
  'chromium',
  'python3-gi',
  'gir1.2-govirt-1.0',
  'iptables',
  // Issue 16 must-show 2: the `.vv` file opened in remote-viewer on a virtual X server,
  // its window captured with xwd (x11-apps).
  'virt-viewer',
  'xvfb',
  'x11-apps',
] as const;

/** The package list for a run: product packages, plus the test ones with `--for-tests`. */
export function wantedPackages(forTests: boolean): string[] {
  return forTests ? [...PRODUCT_PACKAGES, ...TEST_PACKAGES] : [...PRODUCT_PACKAGES];
}

/**
 * The packages of `names` that dpkg does not report as installed ([] without dpkg: not Debian).
 * The same query as build/debian.mjs, asked directly: a second Node start-up would cost more
 * than the whole check on a busy machine, and a no-op setup has to stay fast.
 */
export async function missingPackages(names: readonly string[]): Promise<string[]> {
  const r = await run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names]);
  if (r.code === 127) return [];
  return missingFromDpkgQuery(names, r.stdout);
}

/** Parses `dpkg-query -W -f='${Package} ${db:Status-Status}\n'` output. */
export function missingFromDpkgQuery(names: readonly string[], output: string): string[] {
  const installed = new Set(
    output
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

/** Installs whatever of {@link wantedPackages} is missing (one apt-get run for all). */
export function packagesStep(forTests: boolean): SetupStep {
  return {
    name: forTests ? 'Debian packages (product + tests)' : 'Debian packages',
    exitCode: ExitCode.APT_FAILED,
    async run(log) {
      const missing = await missingPackages(wantedPackages(forTests));
      if (!missing.length) return { changed: false };
      log(`installing ${missing.join(' ')}`);
      const code = await runInherit(process.execPath, [debianMjs, 'install', ...missing]);
      // debian.mjs has said why on stderr; keep its exit code (3: no root/sudo, 5: apt failed).
      if (code !== 0) throw new SetupError(`could not install ${missing.join(' ')}`, code);
      return { changed: true, note: `installed ${missing.join(' ')}` };
    },
  };
}
