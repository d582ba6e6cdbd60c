// SPDX-License-Identifier: Apache-2.0
/** Newest modification time of the files under `paths` (files or directories; 0 when none). */
export function newestMtime(root: string, paths: readonly string[]): number;
/** True when `output` is missing or older than the newest of `sources`. */
export function isStale(root: string, output: string, sources: readonly string[]): boolean;
/**
 * Runs `vite build --config build/vite.config.ts` (with `args`) when `output` is stale.
 * Resolves to whether it built.
 * @throws when the build fails
 */
export function viteBuildIfStale(
  what: string,
  output: string,
  sources: readonly string[],
  args: readonly string[] | undefined,
  log: ((line: string) => void) | undefined,
  root: string,
): Promise<boolean>;
