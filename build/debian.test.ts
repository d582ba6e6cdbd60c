// SPDX-License-Identifier: Apache-2.0
// build/debian.mjs through its CLI (the way setup uses it). Reads the dpkg database only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, 'debian.mjs');
const run = (...args: string[]): { status: number | null; stdout: string } =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe.skipIf(!existsSync('/usr/bin/dpkg-query'))(
  'debian.mjs missing (skipped where there is no dpkg-query: not Debian)',
  () => {
    it('lists exactly the packages that are not installed', () => {
      const r = run('missing', 'coreutils', 'aio-h1-no-such-package', 'bash');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('aio-h1-no-such-package\n');
    });
  },
);

describe('debian.mjs usage', () => {
  it('rejects an unknown command with exit 2', () => {
    expect(run('frobnicate').status).toBe(2);
  });
});
