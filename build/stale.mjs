// SPDX-License-Identifier: Apache-2.0
// When a build output must be redone: missing, or older than any of its sources. Plain
// JavaScript (types in stale.d.mts) so that `npm run serve` can decide without loading a
// TypeScript compiler — loading tsx alone costs about 0.3 s of the engine's start.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Newest modification time of the files under `paths` (files or directories; 0 when none).
 * @param {string} root
 * @param {readonly string[]} paths relative to `root`
 * @returns {number}
 */
export function newestMtime(root, paths) {
  let newest = 0;
  const visit = (path) => {
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

/**
 * True when `output` is missing or older than the newest of `sources`.
 * @param {string} root
 * @param {string} output relative to `root`
 * @param {readonly string[]} sources relative to `root`
 * @returns {boolean}
 */
export function isStale(root, output, sources) {
  const out = join(root, output);
  return !existsSync(out) || statSync(out).mtimeMs < newestMtime(root, sources);
}

/**
 * Runs `vite build --config build/vite.config.ts` (with `args`) when `output` is stale.
 * Resolves to whether it built.
 * @param {string} what named in the log line
 * @param {string} output
 * @param {readonly string[]} sources
 * @param {readonly string[]} [args]
 * @param {(line: string) => void} [log]
 * @param {string} root
 * @returns {Promise<boolean>}
 * @throws when the build fails
 */
export async function viteBuildIfStale(what, output, sources, args = [], log = () => {}, root) {
  if (!isStale(root, output, sources)) return false;
  log(`building ${what} (${output} is missing or older than its sources)`);
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const argv = [vite, 'build', '--config', join(root, 'build', 'vite.config.ts'), ...args];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`building ${what} failed (exit ${code})`);
  return true;
}
