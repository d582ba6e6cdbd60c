// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15: `aio vm console NAME` reaches the VM's serial console through the engine's console
 * stream (the web UI's path), types a line and reads its answer; a VM that is down gives a
 * clear error and exit 1. One tiny guest boots (through `aio lab apply`, which waits for it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ADMIN_PASSWORD, type Appliance, runPrefix, startAppliance } from '../functional/support';
import { hostTestSkipReason } from '../support/run-prefix';
import { tinyLab } from './tiny-lab';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AIO = join(ROOT, 'cli', 'aio.mjs');

const skip = hostTestSkipReason();
if (skip !== false) console.log(`aio vm console test skipped: ${skip}`);

describe.skipIf(skip !== false)('aio vm console', () => {
  let a: Appliance;
  let dir: string;
  const p = runPrefix();
  const labName = `console-${p}`;

  const aio = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [AIO, ...args],
        {
          cwd: ROOT,
          env: { ...process.env, AIO_URL: a.origin, AIO_PASSWORD: ADMIN_PASSWORD },
          timeout: 600_000,
        },
        (err, stdout, stderr) => {
          resolve({
            code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1,
            stdout,
            stderr,
          });
        },
      );
    });

  beforeAll(async () => {
    a = await startAppliance();
    dir = mkdtempSync(join(tmpdir(), 'aio-console-'));
  });
  afterAll(async () => {
    if (a !== undefined) {
      await aio('lab', 'destroy', labName).catch(() => undefined);
      await a.stop();
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'types a line on the serial console and reads the answer; a down VM is an error',
    { timeout: 900_000 },
    async () => {
      const file = join(dir, 'lab.yml');
      writeFileSync(file, tinyLab(labName, `${p}c`, p, 1, 1));
      const up = await aio('lab', 'apply', '-f', file);
      expect(up.code, up.stderr).toBe(0);
      const vm = `${p}-01`;
      // The shell computes it, so the match is the guest's answer, not the echo of the input.
      const r = await aio(
        'vm',
        'console',
        vm,
        '--send',
        'echo answer-$((6*7))',
        '--until',
        'answer-42',
        '--timeout',
        '120',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('answer-42');
      expect((await aio('lab', 'stop', labName)).code).toBe(0);
      const down = await aio('vm', 'console', vm, '--timeout', '30');
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/console of .*: /);
      const none = await aio('vm', 'console', `${p}-nope`);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(`no VM named ${p}-nope`);
    },
  );
});
