// SPDX-License-Identifier: Apache-2.0
// Debian package checks and installs, dependency-free: shared by build/bootstrap.mjs (which runs
// before node_modules exists) and build/setup/ (through the small CLI at the end).
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Exit code when packages are missing and neither root nor password-less sudo is available. */
export const EXIT_NO_PRIVILEGES = 3;
/** Exit code when apt-get itself fails (mirror unreachable, broken dependencies, …). */
export const EXIT_APT_FAILED = 5;

/** Thrown when packages cannot be installed; `exitCode` is one of the codes above. */
export class DebianInstallError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.name = 'DebianInstallError';
    this.exitCode = exitCode;
  }
}

/**
 * The subset of `names` that is not installed. Returns [] where dpkg-query does not exist (not
 * Debian): there is nothing we could install, and whatever needs a package will say so.
 */
export function missingDebianPackages(names) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\\n', ...names], {
    encoding: 'utf8',
  });
  if (r.error) return [];
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      // Multi-arch packages print as name:arch.
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

/** How to run a command as root here: [] when we are root, ['sudo', '-n'] when sudo works, else null. */
export function rootPrefix() {
  if (process.getuid?.() === 0) return [];
  const probe = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0 ? ['sudo', '-n'] : null;
}

/**
 * `apt-get update` + `apt-get install` of `names` as root (directly or through sudo -n), with
 * apt's output shown. Throws DebianInstallError with the exact command to run by hand.
 */
export function aptInstall(names, log = (line) => process.stdout.write(`${line}\n`)) {
  const prefix = rootPrefix();
  const manual = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${names.join(' ')}`;
  if (prefix === null) {
    throw new DebianInstallError(
      `These Debian packages are needed: ${names.join(' ')}\n` +
        'Run as root, give this user password-less sudo, or install them with:\n' +
        `    ${manual}`,
      EXIT_NO_PRIVILEGES,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    const r = spawnSync(cmd, rest, { stdio: 'inherit', env });
    return !r.error && r.status === 0;
  };
  log(`installing ${names.join(' ')}`);
  if (!apt(['update', '-qq'])) {
    throw new DebianInstallError(
      `apt-get update failed; to retry by hand:\n    ${manual}`,
      EXIT_APT_FAILED,
    );
  }
  if (!apt(['install', '-y', '-qq', '--no-install-recommends', ...names])) {
    throw new DebianInstallError(
      `apt-get install failed; to retry by hand:\n    ${manual}`,
      EXIT_APT_FAILED,
    );
  }
}

// CLI, so TypeScript setup code can use this file without type declarations:
//   node build/debian.mjs missing NAME…   prints the missing packages, one per line
//   node build/debian.mjs install NAME…   installs them (exit 3: no root/sudo, 5: apt failed)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command, ...names] = process.argv.slice(2);
  if (command === 'missing') {
    for (const name of missingDebianPackages(names)) process.stdout.write(`${name}\n`);
  } else if (command === 'install') {
    try {
      aptInstall(names);
    } catch (error) {
      if (!(error instanceof DebianInstallError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(error.exitCode);
    }
  } else {
    process.stderr.write('usage: node build/debian.mjs missing|install NAME…\n');
    process.exit(2);
  }
}
