// SPDX-License-Identifier: Apache-2.0
/**
 * The localfs storage domains this agent writes into. The engine names each domain directory
 * through prepareStorageDomain (when a domain is added, and at start if it likes); from then on
 * every path a volume verb writes, resizes, rebases or removes must resolve inside one of them.
 * The list is kept in the agent's state directory, so a restarted engine finds its domains
 * known without having to prepare them again first.
 */
import {
  access,
  constants,
  mkdir,
  readFile,
  realpath,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { StorageSpace } from '../host-agent';
import { checkAbsolute, isInside, resolveInDomain } from './paths';
import { storageSpace } from './space';

export class StorageDomains {
  /** Resolved domain directory → the path the engine gave. */
  readonly #dirs = new Map<string, string>();
  /** JSON list of the prepared directories (as given), or null to keep them in memory only. */
  readonly #stateFile: string | null;
  #loaded: Promise<void> | null = null;

  constructor(stateFile: string | null = null) {
    this.#stateFile = stateFile;
  }

  /** Load the persisted list once; directories that are gone are skipped (not re-created). */
  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      if (this.#stateFile === null) return;
      let saved: unknown;
      try {
        saved = JSON.parse(await readFile(this.#stateFile, 'utf8'));
      } catch {
        return; // none yet (or unreadable: the engine prepares its domains again)
      }
      if (!Array.isArray(saved)) return;
      for (const path of saved) {
        if (typeof path !== 'string') continue;
        try {
          this.#dirs.set(await realpath(checkAbsolute(path)), path);
        } catch {
          // gone or invalid: not a domain this agent writes into any more
        }
      }
    })();
    return this.#loaded;
  }

  async #save(): Promise<void> {
    if (this.#stateFile === null) return;
    await mkdir(dirname(this.#stateFile), { recursive: true });
    const tmp = `${this.#stateFile}.tmp`;
    await writeFile(tmp, `${JSON.stringify([...new Set(this.#dirs.values())], null, 2)}\n`);
    await rename(tmp, this.#stateFile);
  }

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
    await this.#load();
    const real = await realpath(abs);
    if (this.#dirs.get(real) !== path) {
      this.#dirs.set(real, path);
      await this.#save();
    }
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
    await this.#load();
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
