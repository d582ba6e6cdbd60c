// SPDX-License-Identifier: Apache-2.0
/**
 * The web UI build (dist/renderer) and when it must be redone: missing, or older than any of
 * its sources. One copy of the rule for `npm start`, `npm run serve` and the browser tests, so
 * none of them serves yesterday's UI — or, on a fresh clone, a page saying the UI is not built.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runInherit } from './setup/exec';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the web UI is built from (relative to the root). */
export const WEB_UI_SOURCES: readonly string[] = [
  'renderer',
  'main/contract',
  'build/vite.config.ts',
];
/** The file whose age stands for the whole build. */
export const WEB_UI_OUTPUT = 'dist/renderer/index.html';

/** Newest modification time of the files under `paths` (files or directories; 0 when none). */
export function newestMtime(root: string, paths: readonly string[]): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      return;
    }
    for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  for (const p of paths) visit(join(root, p));
  return newest;
}

/** True when `output` is missing or older than the newest of `sources`. */
export function isStale(root: string, output: string, sources: readonly string[]): boolean {
  const out = join(root, output);
  return !existsSync(out) || statSync(out).mtimeMs < newestMtime(root, sources);
}

/**
 * Runs `vite build` (with `args`) when `output` is stale. Returns whether it built.
 * @throws when the build fails
 */
export async function buildIfStale(
  what: string,
  output: string,
  sources: readonly string[],
  args: readonly string[] = [],
  log: (line: string) => void = () => undefined,
  root: string = ROOT,
): Promise<boolean> {
  if (!isStale(root, output, sources)) return false;
  log(`building ${what} (${output} is missing or older than its sources)`);
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const code = await runInherit(process.execPath, [
    vite,
    'build',
    '--config',
    join(root, 'build', 'vite.config.ts'),
    ...args,
  ]);
  if (code !== 0) throw new Error(`building ${what} failed (exit ${code})`);
  return true;
}

/** Builds the web UI when it is missing or stale. */
export function buildWebUiIfStale(log?: (line: string) => void): Promise<boolean> {
  return buildIfStale('the web UI', WEB_UI_OUTPUT, WEB_UI_SOURCES, [], log);
}
