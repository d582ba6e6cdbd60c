// SPDX-License-Identifier: Apache-2.0
/**
 * Builds the bundled guest "debian-12": a real Debian 12 disk image that boots from its own disk
 * through its own boot loader, as a downloaded cloud image would. Nothing is mounted:
 *
 * 1. `mmdebstrap --variant=apt` installs systemd, the cloud kernel, openssh-server, cloud-init,
 *    ifupdown, iproute2 and ping into a directory, from the machine's own apt sources (no
 *    mirror is named here), without recommends, docs, man pages or translations. The files
 *    under build/guest/debian-early/ are in place before the kernel installs, so its initrd
 *    holds only the disk drivers a lab VM needs (4 MiB instead of 15: the boot loader reads it
 *    through the BIOS, slow under TCG).
 * 2. The files under build/guest/debian/ are laid over it; fstab, the SSH host keys (removed:
 *    each VM makes its own), needless timers (masked) are adjusted in place.
 * 3. Partition 2: `mkfs.ext4 -d` fills an ext4 file system from that directory, with a UUID
 *    derived from the build hash (the kernel finds its root by UUID on virtio, SCSI or SATA).
 * 4. Partition 1: a FAT file system (`mkfs.fat`, `mcopy`) with the kernel, the initrd and
 *    `syslinux.cfg`; `syslinux --install --offset` writes the boot loader into it in the image.
 * 5. sfdisk writes the MBR partition table and syslinux's mbr.bin the boot code; both file
 *    systems are copied into place sparsely; `qemu-img convert -c` makes the qcow2.
 *
 * The result lands in `<cache>/debian-12-<hash>/disk.qcow2`, where the hash covers the builder,
 * the overlay files and the candidate versions of the packages asked for, and
 * `<cache>/debian-12.json` (read by libvirt/debian-guest.ts) points at it.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  DEBIAN_GUEST_NAME,
  type DebianGuestManifest,
  debianGuestManifestPath,
  readDebianGuest,
} from '../../libvirt/debian-guest';
import { rootPrefix, runOk } from '../setup/exec';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const overlayDir = join(here, 'debian');
/** Files needed before the packages install (initramfs-tools settings for the kernel's initrd). */
const earlyOverlayDir = join(here, 'debian-early');

/** Debian 12's suite name: a release, not a mirror (apt's own sources say where from). */
export const DEBIAN_SUITE = 'bookworm';

/** What the guest needs besides the apt variant's essentials (no recommends). */
export const DEBIAN_PACKAGES = [
  'systemd-sysv',
  'linux-image-cloud-amd64',
  'openssh-server',
  'cloud-init',
  // growpart: cloud-init grows the root partition when the disk was extended.
  'cloud-guest-utils',
  'iproute2',
  'iputils-ping',
  'ifupdown',
  // cloud-init's dhcp NICs under ifupdown.
  'isc-dhcp-client',
  // cloud-init gives its default user sudo rights.
  'sudo',
] as const;

/** dpkg filters (kept in the guest too): no docs, man pages, info or translations. */
export const DPKG_EXCLUDES = [
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/info/*',
  'path-exclude=/usr/share/locale/*',
  'path-include=/usr/share/locale/locale.alias',
  'path-exclude=/usr/share/lintian/*',
] as const;

/** Units that only cost boot time or wake a lab VM up for nothing: masked. */
export const MASKED_UNITS = [
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'dpkg-db-backup.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'getty@tty1.service',
  // Starts gettys on tty2-6 when there is no logind/dbus; the serial getty is all a lab VM needs.
  'getty-static.service',
  'systemd-pstore.service',
] as const;

/** Disk geometry, in 512-byte sectors: 1 MiB alignment, a 64 MiB boot partition. */
export const DISK = {
  virtualSize: 4 * 1024 ** 3,
  bootStart: 2048,
  bootSectors: 64 * 2048,
  get rootStart(): number {
    return this.bootStart + this.bootSectors;
  },
} as const;

/** Everything the image depends on; its hash names the cache directory. */
export interface DebianGuestInputs {
  readonly suite: string;
  /** Candidate versions apt gives for {@link DEBIAN_PACKAGES}. */
  readonly packages: Readonly<Record<string, string>>;
  /** Builder and overlay files: repo-relative path, executable bit, sha256 of the content. */
  readonly sources: readonly { path: string; executable: boolean; sha256: string }[];
}

/** Content hash of the inputs (16 hex digits: a directory name, not a security boundary). */
export function debianGuestHash(inputs: DebianGuestInputs): string {
  const canonical = {
    suite: inputs.suite,
    packages: Object.entries(inputs.packages).sort(([a], [b]) => a.localeCompare(b)),
    sources: [...inputs.sources].sort((a, b) => a.path.localeCompare(b.path)),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}

/** A UUID derived from the build hash, so a rebuild of the same inputs gives the same root UUID. */
export function rootUuid(hash: string): string {
  const h = createHash('sha256').update(`debian-12 root ${hash}`).digest('hex');
  // Version 4 layout (random-looking), variant 10xx.
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The kernel command line: root by UUID, console on ttyS0 (last = /dev/console), eth0 names. */
export function kernelCmdline(uuid: string): string {
  // net.ifnames=0: NICs are eth0, eth1, … as oVirt's nic_configurations name them.
  // edd=off: the BIOS disk probe costs seconds under TCG and nothing here uses its answer.
  return `root=UUID=${uuid} ro console=tty0 console=ttyS0,115200n8 net.ifnames=0 edd=off`;
}

/** syslinux.cfg: no menu, no wait, serial console for the loader too. */
export function syslinuxConfig(uuid: string): string {
  return [
    'SERIAL 0 115200',
    'DEFAULT debian',
    'PROMPT 0',
    'TIMEOUT 0',
    'LABEL debian',
    '  LINUX /vmlinuz',
    '  INITRD /initrd.img',
    `  APPEND ${kernelCmdline(uuid)}`,
    '',
  ].join('\n');
}

/** /etc/fstab of the guest: the root by UUID (the boot partition is only for the loader). */
export function fstab(uuid: string): string {
  return `UUID=${uuid} / ext4 defaults,errors=remount-ro 0 1\n`;
}

/** sfdisk's input for the two partitions (FAT16 LBA bootable, then Linux to the end). */
export function sfdiskScript(): string {
  return [
    'label: dos',
    `start=${DISK.bootStart}, size=${DISK.bootSectors}, type=e, bootable`,
    `start=${DISK.rootStart}, type=83`,
    '',
  ].join('\n');
}

/** Parses `apt-cache policy a b …`: each package's candidate version. */
export function parseAptPolicy(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const name = /^(\S+):$/.exec(line)?.[1];
    if (name !== undefined) {
      current = name;
      continue;
    }
    const candidate = /^\s+Candidate:\s+(\S+)/.exec(line)?.[1];
    if (current !== null && candidate !== undefined && candidate !== '(none)')
      out[current] = candidate;
  }
  return out;
}

function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walkFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function sourceEntries(): DebianGuestInputs['sources'] {
  const files = [
    fileURLToPath(import.meta.url),
    ...walkFiles(overlayDir),
    ...walkFiles(earlyOverlayDir),
  ];
  return files.map((path) => ({
    path: relative(repoRoot, path),
    executable: (statSync(path).mode & 0o100) !== 0,
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
  }));
}

/** apt's package lists: replaced (so the directory's mtime moves) by every `apt-get update`. */
const APT_LISTS = '/var/lib/apt/lists';

/** Candidate versions, remembered in the cache until apt's lists change (apt-cache is slow). */
async function resolvePackages(cacheDir: string): Promise<Record<string, string>> {
  const memo = join(cacheDir, 'apt-debian-12.json');
  let listsStamp = '';
  try {
    listsStamp = String(statSync(APT_LISTS).mtimeMs);
    const saved = JSON.parse(readFileSync(memo, 'utf8')) as {
      listsStamp: string;
      packages: Record<string, string>;
    };
    if (saved.listsStamp === listsStamp) return saved.packages;
  } catch {
    // no memo yet: ask apt
  }
  const packages = parseAptPolicy(await runOk('apt-cache', ['policy', ...DEBIAN_PACKAGES]));
  const missing = DEBIAN_PACKAGES.filter((p) => packages[p] === undefined);
  if (missing.length > 0)
    throw new Error(`apt has no candidate for ${missing.join(', ')} (apt-get update?)`);
  if (listsStamp) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(memo, JSON.stringify({ listsStamp, packages }));
  }
  return packages;
}

/** The current inputs: candidate package versions and our sources. */
export async function resolveDebianGuestInputs(cacheDir: string): Promise<DebianGuestInputs> {
  return {
    suite: DEBIAN_SUITE,
    packages: await resolvePackages(cacheDir),
    sources: sourceEntries(),
  };
}

/** Lay the overlay files over the root file system and adjust it (see the file header). */
function customize(root: string, uuid: string): void {
  for (const file of walkFiles(overlayDir)) {
    const target = join(root, relative(overlayDir, file));
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { force: true });
    copyFileSync(file, target);
    chmodSync(target, (statSync(file).mode & 0o100) !== 0 ? 0o755 : 0o644);
  }
  writeFileSync(join(root, 'etc', 'fstab'), fstab(uuid));
  const system = join(root, 'etc', 'systemd', 'system');
  const enable = (unit: string, target: string, unitPath: string): void => {
    const wants = join(system, `${target}.wants`);
    mkdirSync(wants, { recursive: true });
    rmSync(join(wants, unit), { force: true });
    symlinkSync(unitPath, join(wants, unit));
  };
  enable(
    'aio-ssh-host-keys.service',
    'multi-user.target',
    '/etc/systemd/system/aio-ssh-host-keys.service',
  );
  // The login prompt on the serial console (systemd would also start it from console=ttyS0).
  enable('serial-getty@ttyS0.service', 'getty.target', '/lib/systemd/system/serial-getty@.service');
  for (const unit of MASKED_UNITS) {
    rmSync(join(system, unit), { force: true });
    symlinkSync('/dev/null', join(system, unit));
    for (const wants of readdirSync(system).filter((d) => d.endsWith('.wants')))
      rmSync(join(system, wants, unit), { force: true });
  }
  // Per-VM identity is made at first boot: host keys (aio-ssh-host-keys or cloud-init) and the
  // machine id (systemd, from an empty file).
  for (const f of readdirSync(join(root, 'etc', 'ssh')))
    if (f.startsWith('ssh_host_')) rmSync(join(root, 'etc', 'ssh', f), { force: true });
  writeFileSync(join(root, 'etc', 'machine-id'), '');
  rmSync(join(root, 'var', 'lib', 'dbus', 'machine-id'), { force: true });
  for (const d of ['var/cache/apt', 'var/lib/apt/lists', 'var/log'])
    for (const f of readdirSync(join(root, d), { withFileTypes: true }))
      if (f.isFile()) rmSync(join(root, d, f.name), { force: true });
}

/** Write `bytes` at `offset` into a file without truncating it. */
function writeAt(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * Builds the image for the given inputs into `<cacheDir>/debian-12-<hash>` and writes the
 * manifest. Work happens in a temporary directory that is renamed into place.
 */
export async function buildDebianGuest(
  cacheDir: string,
  inputs: DebianGuestInputs,
  log: (line: string) => void = () => undefined,
): Promise<DebianGuestManifest> {
  const started = Date.now();
  const hash = debianGuestHash(inputs);
  const uuid = rootUuid(hash);
  const finalDir = join(cacheDir, `${DEBIAN_GUEST_NAME}-${hash}`);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, `.${DEBIAN_GUEST_NAME}-${hash}-`));
  const step = (what: string): void => {
    log(`${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  };
  try {
    const root = join(work, 'root');
    // mmdebstrap splits hook arguments on white space.
    if (/\s/.test(earlyOverlayDir) || /\s/.test(root))
      throw new Error(`mmdebstrap cannot take paths with spaces: ${earlyOverlayDir}, ${root}`);
    step(`mmdebstrap ${DEBIAN_SUITE}: ${DEBIAN_PACKAGES.join(' ')}`);
    await runOk(
      'mmdebstrap',
      [
        '--quiet',
        '--variant=apt',
        '--format=directory',
        `--include=${DEBIAN_PACKAGES.join(',')}`,
        '--aptopt=APT::Install-Recommends "false"',
        // mmdebstrap's own hook command (not a shell): files in place before the kernel's
        // initrd is generated.
        `--essential-hook=sync-in ${earlyOverlayDir} /`,
        ...DPKG_EXCLUDES.map((e) => `--dpkgopt=${e}`),
        DEBIAN_SUITE,
        root,
      ],
      { timeoutMs: 30 * 60_000 },
    );
    const kernelVersion = readdirSync(join(root, 'boot'))
      .find((f) => f.startsWith('vmlinuz-'))
      ?.slice('vmlinuz-'.length);
    if (kernelVersion === undefined) throw new Error('mmdebstrap installed no kernel in /boot');
    customize(root, uuid);

    step('boot partition (FAT, syslinux)');
    const boot = join(work, 'boot.fat');
    await runOk('mkfs.fat', [
      '-C',
      '-F',
      '16',
      '-n',
      'BOOT',
      '-h',
      String(DISK.bootStart),
      boot,
      String(DISK.bootSectors / 2),
    ]);
    const cfg = join(work, 'syslinux.cfg');
    writeFileSync(cfg, syslinuxConfig(uuid));
    copyFileSync(join(root, 'boot', `vmlinuz-${kernelVersion}`), join(work, 'vmlinuz'));
    copyFileSync(join(root, 'boot', `initrd.img-${kernelVersion}`), join(work, 'initrd.img'));
    // mtools checks FAT geometry against BIOS conventions a disk image need not follow.
    const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
    await runOk(
      'mcopy',
      ['-i', boot, join(work, 'vmlinuz'), join(work, 'initrd.img'), cfg, '::/'],
      { env: mtoolsEnv },
    );

    step('root partition (ext4 from the directory)');
    const rootFs = join(work, 'root.ext4');
    const rootBytes = DISK.virtualSize - DISK.rootStart * 512;
    await runOk(
      'mkfs.ext4',
      ['-q', '-F', '-L', 'root', '-U', uuid, '-d', root, rootFs, `${rootBytes / 1024}k`],
      { timeoutMs: 20 * 60_000 },
    );
    rmSync(root, { recursive: true, force: true });

    step('disk (MBR, partitions, syslinux)');
    const disk = join(work, 'disk.raw');
    const fd = openSync(disk, 'w');
    ftruncateSync(fd, DISK.virtualSize);
    closeSync(fd);
    await runOk('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', disk], {
      input: sfdiskScript(),
    });
    // syslinux's MBR boot code: the first 440 bytes, before the disk signature and table.
    writeAt(disk, 0, readFileSync('/usr/lib/syslinux/mbr/mbr.bin').subarray(0, 440));
    for (const [file, sector] of [
      [boot, DISK.bootStart],
      [rootFs, DISK.rootStart],
    ] as const) {
      await runOk(
        'dd',
        [`if=${file}`, `of=${disk}`, 'bs=1M', `seek=${sector / 2048}`, 'conv=notrunc,sparse'],
        { timeoutMs: 20 * 60_000 },
      );
    }
    await runOk('syslinux', ['--offset', String(DISK.bootStart * 512), '--install', disk], {
      env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
    });

    step('qcow2 (compressed)');
    const out = join(work, 'out');
    mkdirSync(out);
    const image = join(out, 'disk.qcow2');
    await runOk(
      'qemu-img',
      ['convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', '-o', 'compat=1.1', disk, image],
      { timeoutMs: 20 * 60_000 },
    );
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(out, finalDir);
    const path = join(finalDir, 'disk.qcow2');
    const manifest: DebianGuestManifest = {
      name: DEBIAN_GUEST_NAME,
      hash,
      path,
      format: 'qcow2',
      virtualSize: DISK.virtualSize,
      fileBytes: statSync(path).size,
      kernelVersion,
      packages: inputs.packages,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    };
    const manifestPath = debianGuestManifestPath(cacheDir);
    let previous = '';
    try {
      previous = `${DEBIAN_GUEST_NAME}-${(JSON.parse(readFileSync(manifestPath, 'utf8')) as { hash: string }).hash}`;
    } catch {
      // first build
    }
    writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(`${manifestPath}.tmp`, manifestPath);
    // Older builds are no longer referenced; the one just replaced stays until the next build
    // (the engine may be copying it into a storage domain right now).
    for (const entry of readdirSync(cacheDir)) {
      if (
        /^debian-12-[0-9a-f]{16}$/.test(entry) &&
        entry !== `${DEBIAN_GUEST_NAME}-${hash}` &&
        entry !== previous
      )
        rmSync(join(cacheDir, entry), { recursive: true, force: true });
    }
    step(`done: ${(manifest.fileBytes / 1024 / 1024).toFixed(0)} MiB`);
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Result of {@link ensureDebianGuest}. */
export type EnsureDebianGuestResult =
  | { readonly changed: boolean; readonly manifest: DebianGuestManifest }
  | { readonly changed: false; readonly manifest: null; readonly skipped: string };

/** Builds the image unless the cache already holds the build for the current inputs. */
export async function ensureDebianGuest(
  cacheDir: string,
  log: (line: string) => void = () => undefined,
): Promise<EnsureDebianGuestResult> {
  const inputs = await resolveDebianGuestInputs(cacheDir);
  const hash = debianGuestHash(inputs);
  const built = (): DebianGuestManifest | null => {
    const current = readDebianGuest(cacheDir);
    return current?.hash === hash ? current : null;
  };
  const existing = built();
  if (existing) return { changed: false, manifest: existing };
  // mmdebstrap in root mode and mkfs of the tree need root (file owners, device nodes).
  if (rootPrefix()?.length !== 0)
    return { changed: false, manifest: null, skipped: 'building it needs root' };
  for (const tool of ['mmdebstrap', 'mkfs.fat', 'mcopy', 'syslinux', 'sfdisk']) {
    if (
      !existsSync(`/usr/bin/${tool}`) &&
      !existsSync(`/usr/sbin/${tool}`) &&
      !existsSync(`/sbin/${tool}`)
    )
      throw new Error(`${tool} is missing (Debian packages step)`);
  }
  const release = acquireLock(cacheDir);
  try {
    const meanwhile = built();
    if (meanwhile) return { changed: false, manifest: meanwhile };
    return { changed: true, manifest: await buildDebianGuest(cacheDir, inputs, log) };
  } finally {
    release();
  }
}

/** An exclusive lock directory (mkdir is atomic); a lock whose owner is gone is taken over. */
function acquireLock(cacheDir: string): () => void {
  const lock = join(cacheDir, '.debian-12.lock');
  mkdirSync(cacheDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => {
        rmSync(lock, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0)
        throw new Error(
          `${lock} is held by another build (pid ${readLockPid(lock)}); run setup again when it is done`,
          { cause: error },
        );
      const owner = readLockPid(lock);
      if (owner !== null && processAlive(owner))
        throw new Error(
          `${lock} is held by pid ${owner}, which is building the image; run setup again when it is done`,
        );
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function readLockPid(lock: string): number | null {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
