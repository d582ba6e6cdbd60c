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

function missingDebianPackages(names) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\\n', ...names], {
    encoding: 'utf8',
  });
  if (r.error) return []; // not Debian: nothing we can install, the compile will say what is missing
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  return names.filter((n) => !installed.has(n));
}

/** Runs apt-get as root, or through sudo -n; exits with a clear message when neither works. */
export function aptInstall(names) {
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  if (!isRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    console.error(
      `[bootstrap] These Debian packages are needed: ${names.join(' ')}\n` +
        '[bootstrap] Run as root, or give this user password-less sudo, or install them with:\n' +
        `    sudo apt-get install -y ${names.join(' ')}`,
    );
    process.exit(3);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = prefix.length ? prefix : ['apt-get'];
  const aptArgs = prefix.length ? [...pre, 'apt-get'] : [];
  if (run(cmd, [...aptArgs, 'update', '-qq'], env) !== 0) process.exit(3);
  if (
    run(cmd, [...aptArgs, 'install', '-y', '-qq', '--no-install-recommends', ...names], env) !== 0
  ) {
    console.error('[bootstrap] apt-get install failed');
    process.exit(3);
  }
}

const lockHash = createHash('sha256')
  .update(readFileSync(join(root, 'package-lock.json')))
  .update(process.version)
  .digest('hex');
const stamp = join(root, 'node_modules', '.aio-install-stamp');

step('Debian build prerequisites', () => {
  const missing = missingDebianPackages(buildPrerequisites);
  if (missing.length) aptInstall(missing);
});

step('node_modules', () => {
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) return;
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
