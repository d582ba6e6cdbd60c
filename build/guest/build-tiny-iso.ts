// SPDX-License-Identifier: Apache-2.0
/**
 * Builds the bootable "tiny" installer ISO (issue 16) from the tiny guest and Debian packages,
 * offline: `grub-mkrescue` (grub-pc-bin, xorriso, mtools) around the tiny guest's kernel and
 * initrd plus a second initramfs (concatenated by GRUB's `initrd`, unpacked over the first by
 * the kernel) holding the CD-ROM and disk drivers and build/guest/iso/aio-iso-init. Its GRUB
 * menu (build/guest/iso/grub.cfg) shows on the VM's screen and serial console; booted from the
 * CD it copies itself onto /dev/vda (an "installer"; the image is hybrid, so the copy boots
 * from the disk), booted from the disk it runs as the installed system.
 *
 * The result lands in `<cache>/tiny-iso-<hash>/aio-tiny.iso` (the hash covers the tiny guest,
 * the ISO's sources and GRUB's version) and `<cache>/tiny-iso.json` points at it.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readTinyGuest, type TinyGuestManifest } from '../../libvirt/tiny-guest';
import { runOk } from '../setup/exec';
import { indexModules, modinfoDepends, moduleLoadOrder, packInitramfs } from './build-tiny-guest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const isoDir = join(here, 'iso');

/** The ISO's volume id; aio-iso-init finds the CD by it. */
export const TINY_ISO_VOLUME_ID = 'AIO_TINY';
/** Drivers the ISO adds: the CD-ROM (virtio-scsi + sr) and the disk it installs onto. */
export const ISO_MODULES = ['virtio_scsi', 'sr_mod', 'virtio_blk'] as const;
/** Serial-log lines of the ISO's guest (aio-iso-init). */
export const TINY_ISO_BOOT_LINE = 'AIO-ISO boot=';
export const TINY_ISO_INSTALLED_LINE = 'AIO-INSTALLED';
/** Text of the GRUB menu (on the screen and the serial log). */
export const TINY_ISO_MENU_TITLE = 'AIO Lab tiny';

export interface TinyIsoManifest {
  readonly name: 'tiny-iso';
  readonly hash: string;
  /** Absolute path of the ISO image. */
  readonly isoPath: string;
  readonly isoBytes: number;
  readonly tinyHash: string;
  readonly modules: readonly string[];
  readonly builtAt: string;
}

export function tinyIsoManifestPath(cacheDir: string): string {
  return join(cacheDir, 'tiny-iso.json');
}

/** The built ISO's manifest. @throws Error when it was not built (or its file is gone) */
export function readTinyIso(cacheDir: string): TinyIsoManifest {
  const manifest = JSON.parse(
    readFileSync(tinyIsoManifestPath(cacheDir), 'utf8'),
  ) as TinyIsoManifest;
  if (!existsSync(manifest.isoPath)) throw new Error(`${manifest.isoPath} is gone`);
  return manifest;
}

function sourceHashes(): { path: string; sha256: string }[] {
  const files = [
    fileURLToPath(import.meta.url),
    ...readdirSync(isoDir)
      .sort()
      .map((f) => join(isoDir, f)),
  ];
  return files.map((path) => ({
    path: relative(repoRoot, path),
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
  }));
}

/** Content hash of every input (16 hex digits). */
export function tinyIsoHash(tiny: Pick<TinyGuestManifest, 'hash'>, grubVersion: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ tiny: tiny.hash, grubVersion, sources: sourceHashes() }))
    .digest('hex')
    .slice(0, 16);
}

async function grubVersion(): Promise<string> {
  return (await runOk('dpkg-query', ['-W', '-f=${Version}', 'grub-pc-bin'])).trim();
}

/** The kernel .deb the tiny guest was built from (kept in `<cache>/debs` by its builder). */
function kernelDeb(cacheDir: string, tiny: TinyGuestManifest): string {
  const deb = join(
    cacheDir,
    'debs',
    `${tiny.kernelPackage}_${tiny.kernelPackageVersion.replace(/:/g, '%3a')}.deb`,
  );
  if (!existsSync(deb)) throw new Error(`${deb} is missing: build the tiny guest first`);
  return deb;
}

/** Builds the ISO into `<cacheDir>/tiny-iso-<hash>` and writes the manifest. */
export async function buildTinyIso(
  cacheDir: string,
  tiny: TinyGuestManifest,
  hash: string,
  log: (line: string) => void = () => undefined,
): Promise<TinyIsoManifest> {
  const finalDir = join(cacheDir, `tiny-iso-${hash}`);
  const work = mkdtempSync(join(cacheDir, `.tiny-iso-${hash}-`));
  try {
    const unpacked = join(work, 'kernel');
    await runOk('dpkg-deb', ['-x', kernelDeb(cacheDir, tiny), unpacked], { timeoutMs: 120_000 });
    const modules = indexModules(join(unpacked, 'lib', 'modules', tiny.kernelVersion));
    const koOf = (name: string): string => {
      const file = modules.get(name);
      if (!file) throw new Error(`module ${name} not found in ${tiny.kernelPackage}`);
      return file;
    };
    // The tiny guest's modules are loaded first (aio-iso-init): only the others go in here.
    const order = moduleLoadOrder(ISO_MODULES, (name) =>
      modinfoDepends(readFileSync(koOf(name))),
    ).filter((m) => !tiny.modules.includes(m));

    log(`packing the ISO's initramfs (${order.join(' ')})`);
    const staging = join(work, 'initramfs');
    mkdirSync(join(staging, 'lib', 'modules', 'iso'), { recursive: true });
    mkdirSync(join(staging, 'etc'), { recursive: true });
    for (const name of order)
      copyFileSync(koOf(name), join(staging, 'lib', 'modules', 'iso', `${name}.ko`));
    writeFileSync(join(staging, 'etc', 'iso-modules.order'), `${order.join('\n')}\n`);
    copyFileSync(join(isoDir, 'aio-iso-init'), join(staging, 'aio-iso-init'));
    chmodSync(join(staging, 'aio-iso-init'), 0o755);

    const root = join(work, 'root');
    mkdirSync(join(root, 'boot', 'grub'), { recursive: true });
    copyFileSync(tiny.kernelPath, join(root, 'boot', 'vmlinuz'));
    copyFileSync(tiny.initrdPath, join(root, 'boot', 'initrd.gz'));
    await packInitramfs(staging, '/bin/busybox', join(root, 'boot', 'iso.gz'));
    copyFileSync(join(isoDir, 'grub.cfg'), join(root, 'boot', 'grub', 'grub.cfg'));

    log('grub-mkrescue');
    const out = join(work, 'out');
    mkdirSync(out);
    const iso = join(out, 'aio-tiny.iso');
    await runOk(
      'grub-mkrescue',
      // BIOS only (grub-pc-bin): the VMs boot SeaBIOS. `--` passes options to xorriso.
      ['--compress=xz', '-o', iso, root, '--', '-volid', TINY_ISO_VOLUME_ID],
      { timeoutMs: 300_000 },
    );

    rmSync(finalDir, { recursive: true, force: true });
    renameSync(out, finalDir);
    const manifest: TinyIsoManifest = {
      name: 'tiny-iso',
      hash,
      isoPath: join(finalDir, 'aio-tiny.iso'),
      isoBytes: statSync(join(finalDir, 'aio-tiny.iso')).size,
      tinyHash: tiny.hash,
      modules: order,
      builtAt: new Date().toISOString(),
    };
    const manifestPath = tinyIsoManifestPath(cacheDir);
    writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(`${manifestPath}.tmp`, manifestPath);
    for (const entry of readdirSync(cacheDir)) {
      if (/^tiny-iso-[0-9a-f]{16}$/.test(entry) && entry !== `tiny-iso-${hash}`)
        rmSync(join(cacheDir, entry), { recursive: true, force: true });
    }
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds the ISO unless the cache holds the build for the current tiny guest and sources. */
export async function ensureTinyIso(
  cacheDir: string,
  log: (line: string) => void = () => undefined,
): Promise<{ changed: boolean; manifest: TinyIsoManifest }> {
  const tiny = readTinyGuest(cacheDir);
  const hash = tinyIsoHash(tiny, await grubVersion());
  try {
    const current = readTinyIso(cacheDir);
    if (current.hash === hash) return { changed: false, manifest: current };
  } catch {
    // not built yet
  }
  return { changed: true, manifest: await buildTinyIso(cacheDir, tiny, hash, log) };
}
