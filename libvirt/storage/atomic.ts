// SPDX-License-Identifier: Apache-2.0
/**
 * Atomic volume writes: the work happens on `<target>.partial` in the same directory, which is
 * fsynced and then linked into place (link fails when the target exists, so nothing is ever
 * overwritten, unlike rename), and the directory is fsynced so the new name survives a crash.
 * Any failure removes the partial file; a crash leaves only a `.partial`, which
 * removeStalePartials sweeps at the next start.
 */
import { link, mkdir, open, readdir, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';

/** Suffix of files being written. */
export const PARTIAL_SUFFIX = '.partial';

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Produce `target` atomically: `produce(partialPath)` writes the partial file (qemu-img create or
 * convert), then it is synced and linked to `target`. The partial name is claimed exclusively
 * first, so two writers of one target cannot share it.
 * @throws VOLUME_EXISTS when `target` (or a write of it) already exists; whatever `produce` throws
 */
export async function writeAtomically(
  target: string,
  produce: (partialPath: string) => Promise<void>,
): Promise<void> {
  const partial = `${target}${PARTIAL_SUFFIX}`;
  await mkdir(dirname(target), { recursive: true });
  const exists = (): HostError =>
    new HostError(HostErrorCode.VOLUME_EXISTS, `volume ${target} already exists`);
  try {
    await (await open(target, 'r')).close();
    throw exists();
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw error;
  }
  try {
    // 'wx': O_CREAT|O_EXCL — claims the partial name, or fails if another write holds it.
    await (await open(partial, 'wx')).close();
  } catch (error) {
    if (errno(error) === 'EEXIST')
      throw new HostError(HostErrorCode.VOLUME_EXISTS, `volume ${target} is being written`);
    throw error;
  }
  try {
    await produce(partial);
    await fsyncPath(partial, 'r+');
    try {
      await link(partial, target);
    } catch (error) {
      if (errno(error) === 'EEXIST') throw exists();
      throw error;
    }
    await unlink(partial);
    await fsyncPath(dirname(target), 'r');
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Delete `*.partial` files under `dir` (recursively, not following symlinks) and return their
 * paths relative to `dir`. Only for a directory no write is running in (engine start).
 */
export async function removeStalePartials(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (current: string, depth: number): Promise<void> => {
    // oVirt's layout is <sd>/images/<disk>/<volume>: a few levels are enough, and the bound
    // keeps a mistaken `dir` (e.g. /) from turning into a whole-disk walk.
    if (depth > 4) return;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if (errno(error) === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (entry.isFile() && basename(path).endsWith(PARTIAL_SUFFIX)) {
        await rm(path, { force: true });
        removed.push(relative(dir, path));
      }
    }
  };
  await walk(dir, 0);
  return removed.sort();
}
