// SPDX-License-Identifier: Apache-2.0
/**
 * Builds the demo guest "tiny" from Debian packages: the cloud kernel (downloaded with
 * `apt-get download`, unpacked with `dpkg-deb -x`, never installed) and an initramfs made of
 * /bin/busybox (busybox-static), the virtio network, ACPI button and evdev modules, and the
 * files under build/guest/rootfs/ (/init, inittab, acpid handler). The result lands in
 * `<cache>/tiny-<hash>/` where the hash covers every input, and `<cache>/tiny-guest.json`
 * (read by libvirt/tiny-guest.ts) points at it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

import {
  readTinyGuest,
  type TinyGuestManifest,
  tinyGuestManifestPath,
} from '../../libvirt/tiny-guest';
import { rootPrefix, runOk } from '../setup/exec';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const rootfsDir = join(here, 'rootfs');

/** Debian metapackage that names the current cloud kernel. */
export const KERNEL_METAPACKAGE = 'linux-image-cloud-amd64';
/**
 * Modules the guest loads (their dependencies are added in load order): the virtio NIC, and the
 * ACPI power button plus evdev, through which busybox acpid sees `virsh shutdown`.
 */
export const GUEST_MODULES = ['virtio_pci', 'virtio_net', 'button', 'evdev'] as const;

/** Everything the guest image depends on; its hash names the cache directory. */
export interface TinyGuestInputs {
  readonly kernelPackage: string;
  readonly kernelPackageVersion: string;
  readonly busyboxVersion: string;
  /** Builder and rootfs files: repo-relative path, executable bit, sha256 of the content. */
  readonly sources: readonly { path: string; executable: boolean; sha256: string }[];
}

/** Content hash of the inputs (16 hex digits: a directory name, not a security boundary). */
export function tinyGuestHash(inputs: TinyGuestInputs): string {
  const canonical = {
    kernelPackage: inputs.kernelPackage,
    kernelPackageVersion: inputs.kernelPackageVersion,
    busyboxVersion: inputs.busyboxVersion,
    sources: [...inputs.sources].sort((a, b) => a.path.localeCompare(b.path)),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
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

function sourceEntries(): TinyGuestInputs['sources'] {
  const files = [fileURLToPath(import.meta.url), ...walkFiles(rootfsDir)];
  return files.map((path) => ({
    path: relative(repoRoot, path),
    executable: (statSync(path).mode & 0o100) !== 0,
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
  }));
}

/** Parses `apt-cache show` of the kernel metapackage: the kernel package it depends on. */
export function parseKernelMetapackage(aptCacheShow: string): {
  kernelPackage: string;
  version: string;
} {
  const version = /^Version: (\S+)$/m.exec(aptCacheShow)?.[1];
  const kernelPackage = /^Depends:.*?\b(linux-image-[0-9][^\s,(]*)/m.exec(aptCacheShow)?.[1];
  if (!version || !kernelPackage) {
    throw new Error(`cannot find the kernel package in apt-cache show ${KERNEL_METAPACKAGE}`);
  }
  return { kernelPackage, version };
}

/** apt's package lists: replaced (so the directory's mtime moves) by every `apt-get update`. */
const APT_LISTS = '/var/lib/apt/lists';

/**
 * The kernel package the metapackage currently names. `apt-cache show` costs a second on a
 * busy machine, so its answer is remembered in the cache until apt's lists change.
 */
async function resolveKernelPackage(
  cacheDir: string,
): Promise<{ kernelPackage: string; version: string }> {
  const memo = join(cacheDir, 'apt-kernel.json');
  let listsStamp = '';
  try {
    listsStamp = String(statSync(APT_LISTS).mtimeMs);
    const saved = JSON.parse(readFileSync(memo, 'utf8')) as {
      listsStamp: string;
      kernelPackage: string;
      version: string;
    };
    if (saved.listsStamp === listsStamp) return saved;
  } catch {
    // no memo yet (or no apt lists directory): ask apt
  }
  const show = async (): Promise<string> =>
    runOk('apt-cache', ['show', '--no-all-versions', KERNEL_METAPACKAGE]);
  let text: string;
  try {
    text = await show();
  } catch (error) {
    // Images often ship with empty package lists (/var/lib/apt/lists cleaned): update once.
    const prefix = rootPrefix();
    if (prefix === null) throw error;
    const [cmd, ...args] = [...prefix, 'apt-get', 'update', '-qq'];
    await runOk(cmd ?? 'apt-get', args, { timeoutMs: 600_000 });
    text = await show();
    listsStamp = String(statSync(APT_LISTS).mtimeMs);
  }
  const resolved = parseKernelMetapackage(text);
  if (listsStamp) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(memo, JSON.stringify({ listsStamp, ...resolved }));
  }
  return resolved;
}

/** Resolves the current inputs: the kernel apt would give, the installed busybox, our sources. */
export async function resolveTinyGuestInputs(cacheDir: string): Promise<TinyGuestInputs> {
  const [{ kernelPackage, version }, busybox] = await Promise.all([
    resolveKernelPackage(cacheDir),
    runOk('dpkg-query', ['-W', '-f=${Version}', 'busybox-static']),
  ]);
  return {
    kernelPackage,
    kernelPackageVersion: version,
    busyboxVersion: busybox.trim(),
    sources: sourceEntries(),
  };
}

/**
 * Orders modules so each comes after what it depends on (depth-first, roots in the given
 * order) — busybox `insmod` resolves nothing by itself.
 * @throws Error on a dependency cycle
 */
export function moduleLoadOrder(
  roots: readonly string[],
  dependsOf: (name: string) => readonly string[],
): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new Error(`module dependency cycle at ${name}`);
    visiting.add(name);
    for (const dep of dependsOf(name)) visit(dep);
    visiting.delete(name);
    order.push(name);
  };
  roots.forEach(visit);
  return order;
}

/** The `depends=` field of a module's .modinfo section. */
export function modinfoDepends(ko: Buffer): string[] {
  const at = ko.indexOf('depends=');
  if (at < 0) return [];
  const end = ko.indexOf(0, at);
  return ko
    .subarray(at + 'depends='.length, end < 0 ? undefined : end)
    .toString('latin1')
    .split(',')
    .filter(Boolean);
}

/** Packs a directory into a gzip-compressed newc cpio archive with busybox cpio. */
export async function packInitramfs(
  stagingDir: string,
  busybox: string,
  output: string,
): Promise<void> {
  const names = ['.', ...walkAll(stagingDir).map((p) => `./${relative(stagingDir, p)}`)];
  const cpio = spawn(busybox, ['cpio', '-o', '-H', 'newc'], {
    cwd: stagingDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  cpio.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(cpio, 'exit') as Promise<[number | null]>;
  cpio.stdin.end(`${names.join('\n')}\n`);
  await pipeline(cpio.stdout, createGzip({ level: 9 }), createWriteStream(output));
  const [code] = await exited;
  if (code !== 0) throw new Error(`busybox cpio failed (${String(code)}): ${stderr}`);
}

/** Every path under a directory (directories, files, symlinks), sorted, for cpio. */
function walkAll(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...walkAll(path));
  }
  return out.sort();
}

/** Finds `<name>.ko` files under a module tree (file names may use `-` where names use `_`). */
export function indexModules(moduleTree: string): Map<string, string> {
  const index = new Map<string, string>();
  for (const file of walkFiles(moduleTree)) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (base.endsWith('.ko')) index.set(base.slice(0, -3).replace(/-/g, '_'), file);
  }
  return index;
}

/**
 * Builds the guest for the given inputs into `<cacheDir>/tiny-<hash>` and writes the manifest.
 * Work happens in a temporary directory that is renamed into place, so an interrupted build
 * leaves nothing half-made behind.
 */
export async function buildTinyGuest(
  cacheDir: string,
  inputs: TinyGuestInputs,
  log: (line: string) => void = () => undefined,
): Promise<TinyGuestManifest> {
  const hash = tinyGuestHash(inputs);
  const finalDir = join(cacheDir, `tiny-${hash}`);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, `.tiny-${hash}-`));
  try {
    const aptArgs =
      process.getuid?.() === 0
        ? ['-o', 'APT::Sandbox::User=root'] // silences the "_apt cannot access" warning
        : [];
    const pkg = `${inputs.kernelPackage}=${inputs.kernelPackageVersion}`;
    // The .deb is kept, so a rebuild after a change to /init needs no network.
    const debDir = join(cacheDir, 'debs');
    const deb = `${inputs.kernelPackage}_${inputs.kernelPackageVersion.replace(/:/g, '%3a')}.deb`;
    if (!existsSync(join(debDir, deb))) {
      log(`downloading ${pkg}`);
      await runOk('apt-get', [...aptArgs, '-qq', 'download', pkg], {
        cwd: work,
        timeoutMs: 600_000,
      });
      const downloaded = readdirSync(work).find((f) => f.endsWith('.deb'));
      if (!downloaded) throw new Error(`apt-get download ${pkg} produced no .deb`);
      mkdirSync(debDir, { recursive: true });
      for (const old of readdirSync(debDir)) rmSync(join(debDir, old), { force: true });
      renameSync(join(work, downloaded), join(debDir, deb));
    }
    const unpacked = join(work, 'kernel');
    await runOk('dpkg-deb', ['-x', join(debDir, deb), unpacked], { timeoutMs: 120_000 });
    const kernelVersion = readdirSync(join(unpacked, 'lib', 'modules'))[0];
    if (!kernelVersion) throw new Error(`${deb} holds no /lib/modules/<version>`);
    const vmlinuz = join(unpacked, 'boot', `vmlinuz-${kernelVersion}`);

    const modules = indexModules(join(unpacked, 'lib', 'modules', kernelVersion));
    const koOf = (name: string): string => {
      const file = modules.get(name);
      if (!file) throw new Error(`module ${name} not found in ${deb} (compressed modules?)`);
      return file;
    };
    const order = moduleLoadOrder(GUEST_MODULES, (name) =>
      modinfoDepends(readFileSync(koOf(name))),
    );

    log(`packing initramfs (${order.length} modules)`);
    const staging = join(work, 'initramfs');
    for (const d of [
      'bin',
      'sbin',
      'usr/bin',
      'usr/sbin',
      'dev',
      'proc',
      'sys',
      'root',
      'lib/modules',
    ]) {
      mkdirSync(join(staging, d), { recursive: true });
    }
    const busybox = '/bin/busybox';
    copyFileSync(busybox, join(staging, 'bin', 'busybox'));
    chmodSync(join(staging, 'bin', 'busybox'), 0o755);
    const applets = (await runOk(busybox, ['--list-full'])).split('\n').filter(Boolean);
    for (const applet of applets) {
      if (applet === 'bin/busybox' || existsSync(join(rootfsDir, applet))) continue;
      mkdirSync(dirname(join(staging, applet)), { recursive: true });
      symlinkSync('/bin/busybox', join(staging, applet));
    }
    for (const file of walkFiles(rootfsDir)) {
      const target = join(staging, relative(rootfsDir, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
      chmodSync(target, (statSync(file).mode & 0o100) !== 0 ? 0o755 : 0o644);
    }
    for (const name of order)
      copyFileSync(koOf(name), join(staging, 'lib', 'modules', `${name}.ko`));
    writeFileSync(join(staging, 'etc', 'modules.order'), `${order.join('\n')}\n`);

    const out = join(work, 'out');
    mkdirSync(out);
    copyFileSync(vmlinuz, join(out, 'vmlinuz'));
    await packInitramfs(staging, busybox, join(out, 'initrd.gz'));

    rmSync(finalDir, { recursive: true, force: true });
    renameSync(out, finalDir);
    const manifest: TinyGuestManifest = {
      name: 'tiny',
      hash,
      kernelPath: join(finalDir, 'vmlinuz'),
      initrdPath: join(finalDir, 'initrd.gz'),
      kernelVersion,
      kernelPackage: inputs.kernelPackage,
      kernelPackageVersion: inputs.kernelPackageVersion,
      busyboxVersion: inputs.busyboxVersion,
      kernelBytes: statSync(join(finalDir, 'vmlinuz')).size,
      initrdBytes: statSync(join(finalDir, 'initrd.gz')).size,
      modules: order,
      builtAt: new Date().toISOString(),
    };
    const manifestPath = tinyGuestManifestPath(cacheDir);
    let previous = '';
    try {
      previous = `tiny-${(JSON.parse(readFileSync(manifestPath, 'utf8')) as { hash: string }).hash}`;
    } catch {
      // first build
    }
    writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(`${manifestPath}.tmp`, manifestPath);
    // Older builds are no longer referenced. The one just replaced stays until the next build:
    // a domain defined from the old manifest a moment ago can still start.
    for (const entry of readdirSync(cacheDir)) {
      if (/^tiny-[0-9a-f]{16}$/.test(entry) && entry !== `tiny-${hash}` && entry !== previous) {
        rmSync(join(cacheDir, entry), { recursive: true, force: true });
      }
    }
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Result of {@link ensureTinyGuest}. */
export interface EnsureTinyGuestResult {
  readonly changed: boolean;
  readonly manifest: TinyGuestManifest;
}

/** Builds the guest unless the cache already holds the build for the current inputs. */
export async function ensureTinyGuest(
  cacheDir: string,
  log: (line: string) => void = () => undefined,
): Promise<EnsureTinyGuestResult> {
  const inputs = await resolveTinyGuestInputs(cacheDir);
  const hash = tinyGuestHash(inputs);
  const built = (): TinyGuestManifest | null => {
    try {
      const current = readTinyGuest(cacheDir);
      return current.hash === hash ? current : null;
    } catch {
      return null; // not built yet, or its files are gone
    }
  };
  const existing = built();
  if (existing) return { changed: false, manifest: existing };
  // Two setups at once (two terminals, parallel test sessions) must not build over each other.
  const release = await acquireBuildLock(cacheDir, log);
  try {
    const meanwhile = built();
    if (meanwhile) return { changed: false, manifest: meanwhile };
    return { changed: true, manifest: await buildTinyGuest(cacheDir, inputs, log) };
  } finally {
    release();
  }
}

/**
 * A lock directory (`mkdir` is atomic) holding the owner's pid; a lock whose owner is gone is
 * taken over. Waits up to 5 minutes (a build takes seconds; a download may take longer).
 */
async function acquireBuildLock(
  cacheDir: string,
  log: (line: string) => void,
): Promise<() => void> {
  const lock = join(cacheDir, '.build.lock');
  mkdirSync(cacheDir, { recursive: true });
  const deadline = Date.now() + 300_000;
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => {
        rmSync(lock, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // the owner has not written its pid yet
    }
    if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${lock} is held by pid ${owner}; giving up`);
    if (!said) log(`waiting for another setup (pid ${owner}) that is building the guest`);
    said = true;
    await new Promise((resolve) => setTimeout(resolve, 500));
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
