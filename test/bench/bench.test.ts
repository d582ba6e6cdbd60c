// SPDX-License-Identifier: Apache-2.0
// `npm test` runs the benchmark in quick mode only to prove it still works: every metric is
// measured and written; the numbers themselves are never asserted.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { expect, it } from 'vitest';

import { readDebianGuest } from '../../libvirt/debian-guest';

const root = resolve(import.meta.dirname, '../..');

it('npm run bench -- --quick measures every metric and writes bench-results.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aio-bench-test-'));
  const out = join(dir, 'bench-results.json');
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/bench/bench.ts'), '--quick', '--out', out],
      { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: 900_000 },
    );
    expect(stdout).toContain('| metric | value | unit |');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      quick: boolean;
      results: { metric: string; value: number; ratio?: number }[];
    };
    expect(doc.quick).toBe(true);
    const metrics = doc.results.map((r) => r.metric);
    for (const m of [
      'cold start to first 200 (median)',
      'resident memory once idle',
      'deploy via API (median)',
      'setup 10 networks',
      'GET /networks xml at 10',
      'GET /networks json at 10',
      'two-VM lab via API',
      'GET /networks/{id} xml throughput',
      'GET /networks/{id} json p99',
      'upload throughput via /imagetransfers',
      // Needs the bundled image (npm run setup builds it); without it the bench says it skipped.
      ...(readDebianGuest() !== null ? ['thin VM from template via API (median)'] : []),
    ]) {
      expect(metrics).toContain(m);
    }
    for (const r of doc.results) expect(Number.isFinite(r.value), r.metric).toBe(true);
    expect(doc.results.filter((r) => r.ratio !== undefined).length).toBeGreaterThanOrEqual(3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 900_000);
