// SPDX-License-Identifier: Apache-2.0
/**
 * Which lock keys the running command holds (set by the runner around execute). Code a command
 * calls can ask instead of taking a lock the command already holds, which would wait for itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** Run `fn` with `keys` recorded as held by the current command. */
export const withHeldLocks = <T>(keys: Iterable<string>, fn: () => T): T =>
  held.run(new Set(keys), fn);

/** Whether the current command holds `key`. */
export const holdsLock = (key: string): boolean => held.getStore()?.has(key) ?? false;
