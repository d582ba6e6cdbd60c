// SPDX-License-Identifier: Apache-2.0
/**
 * Path rules of the storage host layer. Every path the engine hands over is checked here before
 * qemu-img or libvirt sees it: absolute and normalized, inside a storage domain directory once
 * symlinks are resolved (so `images/x -> /etc` cannot lead a write outside), and an existing
 * volume must be a regular file (not a symlink, device, FIFO or directory).
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, normalize, relative, sep } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';

const invalid = (message: string): HostError =>
  new HostError(HostErrorCode.STORAGE_PATH_INVALID, message);

/** True when `child` is `parent` itself or below it (both absolute and resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Absolute, normalized, no NUL, no `..` segments. @throws STORAGE_PATH_INVALID */
export function checkAbsolute(path: string): string {
  if (typeof path !== 'string' || path === '' || path.includes('\0'))
    throw invalid(`invalid path ${JSON.stringify(path)}`);
  if (!isAbsolute(path)) throw invalid(`path ${JSON.stringify(path)} is not absolute`);
  if (path.split('/').includes('..'))
    throw invalid(`path ${JSON.stringify(path)} contains a ".." segment`);
  return normalize(path);
}

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** realpath of the nearest existing ancestor, with the not-yet-existing tail appended. */
async function resolveExistingPrefix(path: string): Promise<string> {
  let existing = path;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      return tail.length === 0 ? real : `${real}${sep}${tail.reverse().join(sep)}`;
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error;
      const parent = dirname(existing);
      if (parent === existing) throw error;
      tail.push(existing.slice(parent.length).replace(/^\/+/, ''));
      existing = parent;
    }
  }
}

/**
 * Resolve `path` and require it to lie inside the storage domain directory `domainDir` (itself
 * resolved). The file need not exist; when it does it must be a regular file (not a symlink).
 * Returns the resolved path. @throws STORAGE_PATH_INVALID
 */
export async function resolveInDomain(domainDir: string, path: string): Promise<string> {
  const abs = checkAbsolute(path);
  const domainReal = await realpath(checkAbsolute(domainDir)).catch(() => {
    throw invalid(`storage domain directory ${domainDir} does not exist`);
  });
  const resolved = await resolveExistingPrefix(abs);
  if (!isInside(domainReal, resolved) || resolved === domainReal)
    throw invalid(`${path} is not inside the storage domain ${domainDir}`);
  await requireRegularIfExists(abs);
  return resolved;
}

/** When `path` exists, it must be a regular file itself (lstat: a symlink is refused). */
export async function requireRegularIfExists(path: string): Promise<boolean> {
  try {
    const st = await lstat(path);
    if (!st.isFile()) throw invalid(`${path} is not a regular file`);
    return true;
  } catch (error) {
    if (errno(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * A volume that must exist and be a regular file (symlinks are followed for sources outside any
 * domain, e.g. an image a user imports by path). @throws VOLUME_NOT_FOUND, STORAGE_PATH_INVALID
 */
export async function requireVolumeFile(path: string): Promise<void> {
  const abs = checkAbsolute(path);
  try {
    const st = await stat(abs);
    if (!st.isFile()) throw invalid(`${path} is not a regular file`);
  } catch (error) {
    if (errno(error) === 'ENOENT')
      throw new HostError(HostErrorCode.VOLUME_NOT_FOUND, `volume ${path} does not exist`);
    throw error;
  }
}
