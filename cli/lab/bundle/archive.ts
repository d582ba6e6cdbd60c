// SPDX-License-Identifier: Apache-2.0
/**
 * The bundle file: a POSIX tar (written and read by the system's GNU tar through execFile)
 * holding `manifest.json`, `lab.yml` and `disks/*.qcow2`. A plain, uncompressed tar because
 * every image in it is already a compressed qcow2 (`qemu-img convert -c`), so compressing the
 * tar again buys nothing and would make reading the manifest a pass over every image; and
 * because any machine can list and unpack it with `tar` alone. The manifest carries the
 * sha256 and size of every other member; {@link openBundle} checks all of them (and that
 * every image is a self-contained qcow2: no backing file, no external data file) before the
 * caller creates anything.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { loadLab } from '../load';
import type { Lab } from '../model';

const run = promisify(execFile);

export const BUNDLE_FORMAT = 'aio-lab-bundle';
export const BUNDLE_VERSION = 1;
export const MANIFEST = 'manifest.json';
export const LAB_FILE = 'lab.yml';
const DISK_MEMBER = /^disks\/[a-zA-Z0-9][a-zA-Z0-9._-]{0,120}\.qcow2$/;

export interface BundleDisk {
  /** Member path (`disks/web-1.qcow2`). */
  readonly file: string;
  readonly vm: string;
  readonly name: string;
  readonly description: string;
  readonly virtualSize: number;
  readonly bootable: boolean;
  readonly interface: string;
  readonly active: boolean;
}

export interface BundleMac {
  readonly vm: string;
  readonly nic: string;
  readonly mac: string;
}

export interface Manifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: number;
  readonly created: string;
  readonly lab: string;
  readonly members: readonly {
    readonly path: string;
    readonly sha256: string;
    readonly size: number;
  }[];
  readonly disks: readonly BundleDisk[];
  /** The NICs' MACs at export (a lab file has none; the import reports what it assigns). */
  readonly macs: readonly BundleMac[];
}

/** The bundle is not one this version can trust (bad member, checksum, format): nothing was done. */
export class BundleInvalid extends Error {}

export async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

/** Writes `manifest.json` into `dir` and packs `dir` into `out` (members in manifest order). */
export async function packBundle(
  dir: string,
  out: string,
  manifest: Omit<Manifest, 'members'>,
  files: readonly string[],
): Promise<Manifest> {
  const members = [];
  for (const f of files) {
    members.push({
      path: f,
      sha256: await sha256Of(join(dir, f)),
      size: lstatSync(join(dir, f)).size,
    });
  }
  const full: Manifest = { ...manifest, members };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(full, null, 2)}\n`);
  await run('tar', ['--format=posix', '-cf', out, '-C', dir, MANIFEST, ...files]);
  return full;
}

function isManifest(m: unknown): m is Manifest {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return (
    o.format === BUNDLE_FORMAT &&
    typeof o.version === 'number' &&
    typeof o.lab === 'string' &&
    Array.isArray(o.members) &&
    o.members.every(
      (x: unknown) =>
        typeof x === 'object' &&
        x !== null &&
        typeof (x as Record<string, unknown>).path === 'string' &&
        typeof (x as Record<string, unknown>).sha256 === 'string' &&
        typeof (x as Record<string, unknown>).size === 'number',
    ) &&
    Array.isArray(o.disks) &&
    o.disks.every(
      (d: unknown) =>
        typeof d === 'object' &&
        d !== null &&
        typeof (d as Record<string, unknown>).file === 'string' &&
        typeof (d as Record<string, unknown>).vm === 'string' &&
        typeof (d as Record<string, unknown>).name === 'string' &&
        typeof (d as Record<string, unknown>).virtualSize === 'number',
    ) &&
    Array.isArray(o.macs)
  );
}

export interface OpenedBundle {
  readonly manifest: Manifest;
  readonly lab: Lab;
  readonly labText: string;
  /** Member path → its path on disk (verified). */
  readonly path: (member: string) => string;
}

/**
 * Lists, unpacks into `dir` (empty, private) and verifies `bundle`: only the expected member
 * names, regular files only, every checksum and size as the manifest says, every image a
 * self-contained qcow2, the lab file valid. Throws {@link BundleInvalid} otherwise.
 */
export async function openBundle(bundle: string, dir: string): Promise<OpenedBundle> {
  let listing: string;
  try {
    listing = (await run('tar', ['-tf', bundle], { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    throw new BundleInvalid(
      `${bundle} is not a readable bundle (truncated or not a tar): ${firstLine(err)}`,
    );
  }
  const names = listing.split('\n').filter((l) => l !== '');
  const bad = names.find(
    (n) => n !== MANIFEST && n !== LAB_FILE && n !== 'disks/' && !DISK_MEMBER.test(n),
  );
  if (bad !== undefined) throw new BundleInvalid(`${bundle}: unexpected member "${bad}"`);
  if (!names.includes(MANIFEST)) throw new BundleInvalid(`${bundle}: no ${MANIFEST}`);
  try {
    await run('tar', ['-xf', bundle, '-C', dir, '--no-same-owner', '--no-same-permissions']);
  } catch (err) {
    throw new BundleInvalid(`${bundle} could not be unpacked: ${firstLine(err)}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    throw new BundleInvalid(`${bundle}: ${MANIFEST} is not JSON`);
  }
  if (!isManifest(manifest))
    throw new BundleInvalid(`${bundle}: ${MANIFEST} is not an AIO Lab bundle manifest`);
  if (manifest.version > BUNDLE_VERSION)
    throw new BundleInvalid(
      `${bundle}: bundle version ${manifest.version} is newer than this aio (${BUNDLE_VERSION})`,
    );
  const listed = new Set(names.filter((n) => n !== MANIFEST && n !== 'disks/'));
  const declared = new Set(manifest.members.map((m) => m.path));
  for (const n of listed)
    if (!declared.has(n)) throw new BundleInvalid(`${bundle}: member ${n} is not in the manifest`);
  for (const m of manifest.members) {
    if (!listed.has(m.path)) throw new BundleInvalid(`${bundle}: member ${m.path} is missing`);
    const p = join(dir, m.path);
    const st = lstatSync(p);
    if (!st.isFile()) throw new BundleInvalid(`${bundle}: member ${m.path} is not a regular file`);
    if (st.size !== m.size)
      throw new BundleInvalid(
        `${bundle}: member ${m.path} has ${st.size} bytes, the manifest says ${m.size}`,
      );
    const sum = await sha256Of(p);
    if (sum !== m.sha256)
      throw new BundleInvalid(
        `${bundle}: checksum mismatch for ${m.path} (sha256 ${sum}, the manifest says ${m.sha256})`,
      );
  }
  if (!declared.has(LAB_FILE)) throw new BundleInvalid(`${bundle}: no ${LAB_FILE}`);
  for (const d of manifest.disks) {
    if (!DISK_MEMBER.test(d.file) || !declared.has(d.file))
      throw new BundleInvalid(`${bundle}: disk ${d.file} is not a member`);
    const info = await imageInfo(join(dir, d.file)).catch((err: unknown) => {
      throw new BundleInvalid(`${bundle}: ${d.file} is not a readable image: ${firstLine(err)}`);
    });
    if (
      info.format !== 'qcow2' ||
      info['backing-filename'] !== undefined ||
      info['format-specific']?.data?.['data-file'] !== undefined
    )
      throw new BundleInvalid(`${bundle}: ${d.file} is not a self-contained qcow2 image`);
    if (info['virtual-size'] !== d.virtualSize)
      throw new BundleInvalid(
        `${bundle}: ${d.file} holds ${info['virtual-size']} bytes, the manifest says ${d.virtualSize}`,
      );
  }
  const labText = readFileSync(join(dir, LAB_FILE), 'utf8');
  const loaded = loadLab(labText);
  if (!loaded.ok) {
    const e = loaded.errors[0];
    throw new BundleInvalid(
      `${bundle}: its lab file is invalid${e === undefined ? '' : ` (${LAB_FILE}:${e.line}:${e.column}: ${e.field}: ${e.message})`}`,
    );
  }
  return { manifest, lab: loaded.lab, labText, path: (m) => join(dir, m) };
}

interface ImageInfo {
  format: string;
  'virtual-size': number;
  'backing-filename'?: string;
  'format-specific'?: { data?: { 'data-file'?: string } };
}

export async function imageInfo(file: string): Promise<ImageInfo> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', '-U', file]);
  return JSON.parse(stdout) as ImageInfo;
}

/** Rewrites `src` as one self-contained compressed qcow2 `dst`. */
export async function compressImage(src: string, dst: string): Promise<void> {
  await run('qemu-img', ['convert', '-c', '-O', 'qcow2', src, dst]);
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return ((e.stderr ?? '').trim() || (e.message ?? String(err))).split('\n')[0] ?? '';
}
