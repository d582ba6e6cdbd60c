#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Dependency-free entry of `npm start` and `npm test`: it must run straight after `git clone`
// on a machine that has only Node and npm. It installs the few Debian packages that native
// npm modules compile against, runs `npm ci` when node_modules is missing or stale, runs
// `npm run setup`, then hands over to the real command.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { aptInstall, DebianInstallError, missingDebianPackages } from './debian.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];
const passThrough = process.argv.slice(3);
if (mode !== 'start' && mode !== 'test') {
  console.error('usage: node build/bootstrap.mjs start|test [args…]');
  process.exit(2);
}

/** Debian packages needed before `npm ci` can compile @unraid/libvirt, better-sqlite3, node-pty. */
const buildPrerequisites = ['libvirt-dev', 'pkg-config', 'python3', 'make', 'g++'];

function step(name, fn) {
  const started = Date.now();
  process.stdout.write(`[bootstrap] ${name} …\n`);
  fn();
  process.stdout.write(
    `[bootstrap] ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const lockHash = createHash('sha256')
  .update(readFileSync(join(root, 'package-lock.json')))
  .update(process.version)
  .digest('hex');
const stamp = join(root, 'node_modules', '.aio-install-stamp');

step('Debian build prerequisites', () => {
  const missing = missingDebianPackages(buildPrerequisites);
  if (!missing.length) return;
  try {
    aptInstall(missing, (line) => process.stdout.write(`[bootstrap] ${line}\n`));
  } catch (error) {
    if (!(error instanceof DebianInstallError)) throw error;
    console.error(`[bootstrap] ${error.message}`);
    process.exit(error.exitCode);
  }
});

/**
 * Is node_modules what package-lock.json (and this Node) asks for? Our stamp says so after our
 * own `npm ci`. Without a stamp (installed by a plain `npm ci`/`npm install`), npm's record of
 * what it installed (node_modules/.package-lock.json) must list every non-optional package of
 * the lock file at the same version; then the install is adopted.
 */
function nodeModulesCurrent() {
  if (existsSync(stamp)) return readFileSync(stamp, 'utf8') === lockHash;
  const hidden = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(hidden)) return false;
  const wanted = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(hidden, 'utf8')).packages ?? {};
  const current = Object.entries(wanted).every(
    ([path, pkg]) =>
      path === '' || (have[path] ? have[path].version === pkg.version : pkg.optional),
  );
  if (current) writeFileSync(stamp, lockHash);
  return current;
}

step('node_modules', () => {
  if (nodeModulesCurrent()) return;
  // Electron's binary comes from a download host, not the npm registry; it is fetched on
  // first `npm start` where that host is reachable (see build/launch.ts).
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  if (run('npm', ['ci', '--no-audit', '--no-fund'], env) !== 0) {
    console.error('[bootstrap] npm ci failed');
    process.exit(4);
  }
  writeFileSync(stamp, lockHash);
});

const setupScript = mode === 'test' ? 'setup:test' : 'setup';
const setupStatus = run('npm', ['run', '--silent', setupScript]);
if (setupStatus !== 0) process.exit(setupStatus);

const next =
  mode === 'test' ? ['run', '--silent', 'test:ci', '--'] : ['run', '--silent', 'app', '--'];
process.exit(run('npm', [...next, ...passThrough]));
