// SPDX-License-Identifier: Apache-2.0
/**
 * The localfs storage domains this agent writes into. The engine names each domain directory
 * once through prepareStorageDomain (at start and when a domain is added); from then on every
 * path a volume verb writes, resizes, rebases or removes must resolve inside one of them.
 */
import { access, constants, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { StorageSpace } from '../host-agent';
import { checkAbsolute, isInside, resolveInDomain } from './paths';
import { storageSpace } from './space';

export class StorageDomains {
  /** Resolved domain directory → the path the engine gave. */
  readonly #dirs = new Map<string, string>();

  /**
   * Create the directory if missing, prove it writable (a probe file, as VDSM's
   * `selftest`), remember it, and report its space.
   * @throws STORAGE_PATH_INVALID when it cannot be created or written
   */
  async prepare(path: string): Promise<StorageSpace> {
    const abs = checkAbsolute(path);
    try {
      await mkdir(abs, { recursive: true });
      await access(abs, constants.W_OK | constants.X_OK);
      const probe = join(abs, `.aio-write-test-${process.pid}`);
      await writeFile(probe, '');
      await rm(probe, { force: true });
    } catch (error) {
      throw new HostError(
        HostErrorCode.STORAGE_PATH_INVALID,
        `storage domain directory ${path} is not usable: ${(error as Error).message}`,
      );
    }
    this.#dirs.set(await realpath(abs), path);
    return storageSpace(abs);
  }

  /** The resolved directory of the domain holding `resolvedPath`, or null. */
  #domainOf(resolvedPath: string): string | null {
    for (const dir of this.#dirs.keys()) {
      if (resolvedPath !== dir && isInside(dir, resolvedPath)) return dir;
    }
    return null;
  }

  /**
   * Resolve `path` (which need not exist) inside one of the prepared domains.
   * Returns the resolved path and its domain directory. @throws STORAGE_PATH_INVALID
   */
  async resolve(path: string): Promise<{ path: string; domainDir: string }> {
    const abs = checkAbsolute(path);
    // Resolve against each domain: the first whose rules accept it wins.
    let lastError: unknown = null;
    for (const dir of this.#dirs.keys()) {
      try {
        const resolved = await resolveInDomain(dir, abs);
        if (this.#domainOf(resolved) === dir) return { path: resolved, domainDir: dir };
      } catch (error) {
        lastError = error;
        if (!(error instanceof HostError && error.code === HostErrorCode.STORAGE_PATH_INVALID))
          throw error;
        // A non-regular file inside a domain is its own error, not "outside every domain".
        if (/not a regular file/.test(error.message)) throw error;
      }
    }
    if (this.#dirs.size === 0) {
      throw new HostError(
        HostErrorCode.STORAGE_PATH_INVALID,
        `${path}: no storage domain has been prepared on this host (prepareStorageDomain first)`,
      );
    }
    if (lastError instanceof HostError) {
      throw new HostError(
        HostErrorCode.STORAGE_PATH_INVALID,
        `${path} is not inside a storage domain of this host`,
        lastError.message,
      );
    }
    throw lastError;
  }

  /** True when `path` resolves inside a prepared domain (used for backing files). */
  async contains(path: string): Promise<boolean> {
    try {
      await this.resolve(path);
      return true;
    } catch (error) {
      if (error instanceof HostError && error.code === HostErrorCode.STORAGE_PATH_INVALID)
        return false;
      throw error;
    }
  }
}
