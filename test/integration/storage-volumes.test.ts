// SPDX-License-Identifier: Apache-2.0
/**
 * The storage host layer on real qemu-img and real file systems: volumes are created, copied
 * (with format conversion and progress), overlaid, grown, rebased, checked and removed, and
 * their content is compared out of band (`qemu-io` writes a pattern, `qemu-img compare` and
 * checksums read it back). Bad input is refused with nothing changed: truncated and corrupted
 * images, a wrong format, a backing file, paths outside the storage domain (also through a
 * symlink), and writes that do not fit (a 32 MiB tmpfs) — refused before a byte is written.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { HostError } from '../../main/contract/errors';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'sv';
const MiB = 1024 * 1024;

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  return e instanceof HostError ? e.code : `not a HostError: ${String(e)}`;
}

const sha256 = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

/** Write `pattern` bytes at `offset` through QEMU's own block layer (out of band). */
async function qemuWrite(
  path: string,
  format: string,
  pattern: number,
  offset: number,
  len: number,
): Promise<void> {
  await run('qemu-io', ['-f', format, '-c', `write -P ${pattern} ${offset} ${len}`, path]);
}

/** True when qemu-io reads `pattern` over the range (qemu-io's own verifier). */
async function qemuHolds(
  path: string,
  format: string,
  pattern: number,
  offset: number,
  len: number,
): Promise<boolean> {
  const r = await run('qemu-io', [
    '-r',
    '-f',
    format,
    '-c',
    `read -P ${pattern} ${offset} ${len}`,
    path,
  ]).catch((e: unknown) => ({ stdout: String(e) }));
  return !/Pattern verification failed|error|failed/i.test(r.stdout);
}

/** `qemu-img compare` (guest-visible content): true when identical. */
async function sameContent(a: string, fa: string, b: string, fb: string): Promise<boolean> {
  return run('qemu-img', ['compare', '-q', '-f', fa, '-F', fb, a, b]).then(
    () => true,
    () => false,
  );
}

const skip = hostTestSkipReason();
if (skip) console.log(`storage-volumes.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('storage volumes over qemu-img', () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  const sd = join(dir, 'sd');
  const outside = join(dir, 'outside');
  const small = join(dir, 'small');
  let smallMounted = false;
  let agent: LocalHostAgent;

  beforeAll(async () => {
    await sweepStale(FAMILY);
    mkdirSync(outside, { recursive: true });
    agent = new LocalHostAgent({ stateDir: join(dir, 'state') });
  });

  afterAll(async () => {
    await agent.close();
    if (smallMounted) await run('umount', [small]).catch(() => undefined);
    releaseRunPrefix(p);
  });

  it('prepares a storage domain and reports its space from statfs', async () => {
    const space = await agent.prepareStorageDomain(sd);
    expect(statSync(sd).isDirectory()).toBe(true);
    expect(space.totalBytes).toBeGreaterThan(0);
    expect(space.availableBytes).toBeGreaterThan(0);
    expect(space.availableBytes).toBeLessThanOrEqual(space.totalBytes);
    const { stdout } = await run('stat', ['-f', '-c', '%a %S', sd]);
    const [bavail, bsize] = stdout.trim().split(' ').map(Number);
    // Another writer may change it between the two reads; within 64 MiB is the same answer.
    expect(Math.abs(space.availableBytes - (bavail ?? 0) * (bsize ?? 0))).toBeLessThan(64 * MiB);
    expect(readdirSync(sd)).toEqual([]);
  });

  it('remembers prepared domains in its state directory (a restarted agent knows them)', async () => {
    const again = new LocalHostAgent({ stateDir: join(dir, 'state') });
    const fresh = new LocalHostAgent({ stateDir: join(dir, 'other-state') });
    try {
      const path = join(sd, 'restart-probe');
      expect(await codeOf(fresh.createVolume({ path, format: 'raw', sizeBytes: MiB }))).toBe(
        'STORAGE_PATH_INVALID',
      );
      expect((await again.createVolume({ path, format: 'raw', sizeBytes: MiB })).virtualSize).toBe(
        MiB,
      );
      await again.removeVolume(path);
      expect(readdirSync(sd)).toEqual([]);
    } finally {
      await again.close();
      await fresh.close();
    }
  });

  it('creates raw and qcow2 volumes (sparse) and reports them as qemu-img does', async () => {
    const raw = await agent.createVolume({
      path: join(sd, 'images', 'd1', 'v1'),
      format: 'raw',
      sizeBytes: 64 * MiB,
    });
    expect(raw).toMatchObject({ format: 'raw', virtualSize: 64 * MiB, backingPath: null });
    expect(raw.actualSize).toBeLessThan(64 * MiB);
    expect(statSync(raw.path).size).toBe(64 * MiB);
    const cow = await agent.createVolume({
      path: join(sd, 'images', 'd2', 'v1'),
      format: 'qcow2',
      sizeBytes: 32 * MiB,
    });
    expect(cow).toMatchObject({ format: 'qcow2', virtualSize: 32 * MiB, backingPath: null });
    const { stdout } = await run('qemu-img', ['info', '--output=json', cow.path]);
    expect(JSON.parse(stdout)).toMatchObject({ format: 'qcow2', 'virtual-size': 32 * MiB });
    expect(await agent.volumeInfo(cow.path, 'qcow2')).toEqual(cow);
    // Never overwrites, and a failed create leaves nothing behind.
    const before = sha256(cow.path);
    expect(
      await codeOf(agent.createVolume({ path: cow.path, format: 'qcow2', sizeBytes: MiB })),
    ).toBe('VOLUME_EXISTS');
    expect(sha256(cow.path)).toBe(before);
    expect(readdirSync(join(sd, 'images', 'd2'))).toEqual(['v1']);
  });

  it('copies raw → qcow2 → raw with progress, content identical (qemu-io pattern, checksums)', async () => {
    const src = join(sd, 'images', 'd1', 'v1');
    await qemuWrite(src, 'raw', 0xab, 0, 4 * MiB);
    await qemuWrite(src, 'raw', 0x5c, 40 * MiB, MiB);
    const progress: number[] = [];
    const cow = await agent.copyVolume({
      source: src,
      sourceFormat: 'raw',
      target: join(sd, 'images', 'd3', 'v1'),
      format: 'qcow2',
      onProgress: (f) => progress.push(f),
    });
    expect(cow).toMatchObject({ format: 'qcow2', virtualSize: 64 * MiB, backingPath: null });
    // Sparse: only the written 5 MiB (plus metadata) are allocated.
    expect(cow.actualSize).toBeLessThan(16 * MiB);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await sameContent(src, 'raw', cow.path, 'qcow2')).toBe(true);
    expect(await qemuHolds(cow.path, 'qcow2', 0x5c, 40 * MiB, MiB)).toBe(true);
    const back = await agent.copyVolume({
      source: cow.path,
      target: join(sd, 'images', 'd4', 'v1'),
      format: 'raw',
    });
    expect(back.format).toBe('raw');
    expect(sha256(back.path)).toBe(sha256(src));
    expect(readdirSync(join(sd, 'images', 'd4'))).toEqual(['v1']);
  });

  it('overlays a qcow2 on a base without touching it, grows, rebases and removes', async () => {
    const base = join(sd, 'images', 'd3', 'v1');
    const baseSum = sha256(base);
    const top = await agent.createVolume({
      path: join(sd, 'images', 'd5', 'v1'),
      format: 'qcow2',
      sizeBytes: 0,
      backing: { path: base, format: 'qcow2' },
    });
    expect(top).toMatchObject({ format: 'qcow2', virtualSize: 64 * MiB, backingPath: base });
    await qemuWrite(top.path, 'qcow2', 0xcd, MiB, MiB);
    expect(await qemuHolds(top.path, 'qcow2', 0xcd, MiB, MiB)).toBe(true);
    expect(await qemuHolds(top.path, 'qcow2', 0xab, 0, MiB)).toBe(true);
    expect(await qemuHolds(base, 'qcow2', 0xab, MiB, MiB)).toBe(true);
    expect(sha256(base)).toBe(baseSum);

    const grown = await agent.resizeVolume(top.path, 96 * MiB, 'qcow2');
    expect(grown.virtualSize).toBe(96 * MiB);
    expect(await codeOf(agent.resizeVolume(top.path, 16 * MiB, 'qcow2'))).toBe(
      'HOST_COMMAND_FAILED',
    );
    expect((await agent.volumeInfo(top.path, 'qcow2')).virtualSize).toBe(96 * MiB);
    expect((await agent.resizeVolume(top.path, 96 * MiB)).virtualSize).toBe(96 * MiB);

    // Keep what the guest sees, for comparison after the rebase.
    const reference = await agent.copyVolume({
      source: top.path,
      sourceFormat: 'qcow2',
      target: join(sd, 'images', 'ref', 'v1'),
      format: 'raw',
    });
    const standalone = await agent.rebaseVolume(top.path, null);
    expect(standalone.backingPath).toBeNull();
    expect(await sameContent(standalone.path, 'qcow2', reference.path, 'raw')).toBe(true);
    expect(sha256(base)).toBe(baseSum);

    await agent.removeVolume(reference.path);
    expect(() => statSync(reference.path)).toThrow();
    await agent.removeVolume(reference.path); // idempotent
  });

  it('checks volumes: good ones pass; truncated, corrupted, wrong-format and backed ones are refused', async () => {
    const good = join(sd, 'images', 'd3', 'v1');
    expect(await agent.checkVolume(good, 'qcow2')).toMatchObject({ format: 'qcow2' });
    expect(await codeOf(agent.checkVolume(good, 'raw'))).toBe('VOLUME_CORRUPT');

    const truncated = join(sd, 'upload-truncated');
    writeFileSync(truncated, readFileSync(good).subarray(0, statSync(good).size - 512 * 1024));
    expect(await codeOf(agent.checkVolume(truncated, 'qcow2'))).toBe('VOLUME_CORRUPT');

    const corrupted = join(sd, 'upload-corrupted');
    const bytes = Buffer.from(readFileSync(good));
    // The first refcount table entry now points at an unaligned offset.
    const reftable = Number(bytes.readBigUInt64BE(48));
    bytes.writeBigUInt64BE(0x200n, reftable);
    writeFileSync(corrupted, bytes);
    expect(await codeOf(agent.checkVolume(corrupted, 'qcow2'))).toBe('VOLUME_CORRUPT');

    const garbage = join(sd, 'upload-garbage');
    writeFileSync(garbage, Buffer.from('QFI\xfb not really a qcow2 image at all'));
    expect(await codeOf(agent.checkVolume(garbage, 'qcow2'))).toBe('VOLUME_CORRUPT');

    // A backing file inside an upload: refused, and outside the domain even when allowed.
    const inside = join(sd, 'images', 'd6', 'v1');
    await agent.createVolume({
      path: inside,
      format: 'qcow2',
      sizeBytes: 0,
      backing: { path: good, format: 'qcow2' },
    });
    expect(await codeOf(agent.checkVolume(inside, 'qcow2'))).toBe('VOLUME_CORRUPT');
    expect((await agent.checkVolume(inside, 'qcow2', { allowBacking: true })).backingPath).toBe(
      good,
    );
    const escaping = join(sd, 'upload-escaping');
    await run('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-b',
      '/etc/passwd',
      '-F',
      'raw',
      escaping,
      '1M',
    ]);
    expect(await codeOf(agent.checkVolume(escaping, 'qcow2', { allowBacking: true }))).toBe(
      'VOLUME_CORRUPT',
    );
    // Its copy would pull /etc/passwd into the domain: refused too.
    expect(
      await codeOf(
        agent.copyVolume({ source: escaping, target: join(sd, 'escaped'), format: 'raw' }),
      ),
    ).toBe('STORAGE_PATH_INVALID');
    expect(readdirSync(sd)).not.toContain('escaped');
  });

  it('refuses paths outside the storage domain, also through a symlink', async () => {
    const req = (path: string): Promise<unknown> =>
      agent.createVolume({ path, format: 'qcow2', sizeBytes: MiB });
    expect(await codeOf(req(join(outside, 'v')))).toBe('STORAGE_PATH_INVALID');
    expect(await codeOf(req(`${sd}/images/../../outside/v`))).toBe('STORAGE_PATH_INVALID');
    expect(await codeOf(req('images/relative'))).toBe('STORAGE_PATH_INVALID');
    symlinkSync(outside, join(sd, 'link'));
    expect(await codeOf(req(join(sd, 'link', 'v')))).toBe('STORAGE_PATH_INVALID');
    writeFileSync(join(outside, 'victim'), 'keep me');
    symlinkSync(join(outside, 'victim'), join(sd, 'victim-link'));
    expect(await codeOf(agent.removeVolume(join(sd, 'victim-link')))).toBe('STORAGE_PATH_INVALID');
    expect(await codeOf(agent.removeVolume(join(outside, 'victim')))).toBe('STORAGE_PATH_INVALID');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me');
    expect(readdirSync(outside).sort()).toEqual(['victim']);
    expect(
      await codeOf(
        agent.createVolume({
          path: join(sd, 'over-outside'),
          format: 'qcow2',
          sizeBytes: 0,
          backing: { path: join(outside, 'victim'), format: 'raw' },
        }),
      ),
    ).toBe('STORAGE_PATH_INVALID');
  });

  it('refuses a write that does not fit before writing anything (32 MiB tmpfs)', async () => {
    mkdirSync(small, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', small]);
    smallMounted = true;
    await agent.prepareStorageDomain(small);
    expect(
      await codeOf(
        agent.createVolume({ path: join(small, 'big'), format: 'raw', sizeBytes: 64 * MiB }),
      ),
    ).toBe('STORAGE_DOMAIN_SPACE_LOW');
    // 5 MiB of data fit as qcow2, the same disk as raw (64 MiB) does not.
    const src = join(sd, 'images', 'd3', 'v1');
    expect(
      await codeOf(agent.copyVolume({ source: src, target: join(small, 'copy'), format: 'raw' })),
    ).toBe('STORAGE_DOMAIN_SPACE_LOW');
    expect(readdirSync(small)).toEqual([]);
    const fits = await agent.copyVolume({
      source: src,
      sourceFormat: 'qcow2',
      target: join(small, 'copy'),
      format: 'qcow2',
    });
    expect(await sameContent(fits.path, 'qcow2', src, 'qcow2')).toBe(true);
    expect(readdirSync(small)).toEqual(['copy']);
  });

  it('a failed copy leaves no file and no partial; stale partials are swept', async () => {
    const broken = join(sd, 'broken.qcow2');
    const good = join(sd, 'images', 'd3', 'v1');
    // Header intact, the first L1 entry unaligned: qemu-img info works, reading fails mid-copy.
    const bytes = Buffer.from(readFileSync(good));
    bytes.writeBigUInt64BE(0x8000000000000200n, Number(bytes.readBigUInt64BE(40)));
    writeFileSync(broken, bytes);
    const target = join(sd, 'images', 'd7', 'v1');
    expect(
      await codeOf(
        agent.copyVolume({ source: broken, sourceFormat: 'qcow2', target, format: 'raw' }),
      ),
    ).toBe('HOST_COMMAND_FAILED');
    expect(readdirSync(join(sd, 'images', 'd7'))).toEqual([]);

    mkdirSync(join(sd, 'images', 'd8'), { recursive: true });
    writeFileSync(join(sd, 'images', 'd8', 'v1.partial'), 'left by a crash');
    expect(await agent.removeStalePartials(sd)).toEqual(['images/d8/v1.partial']);
    expect(readdirSync(join(sd, 'images', 'd8'))).toEqual([]);
    truncateSync(broken, 0);
  });
});
