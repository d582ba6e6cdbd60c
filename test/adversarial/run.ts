// SPDX-License-Identifier: Apache-2.0
/**
 * The adversarial suite of issue 10, one command:
 *   node --import tsx test/adversarial/run.ts [--full] [--only fuzz,concurrency,kill,faults] [--seed N]
 * Runs the parts listed in parts.ts (each on its own engine), prints each part's figures as a
 * table and every failure, and exits 1 when any part missed its targets. The seed is printed
 * so that a failing run can be repeated exactly.
 */
import { parseArgs } from 'node:util';

import { parts } from './parts';
import type { PartResult } from './types';

function table(results: readonly PartResult[]): string {
  const rows: [string, string, string][] = [];
  for (const r of results) {
    for (const [k, v] of Object.entries(r.figures)) rows.push([r.name, k, String(v)]);
    rows.push([r.name, 'failures', String(r.failures.length)]);
  }
  const w0 = Math.max(4, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  const line = (a: string, b: string, c: string): string =>
    `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`;
  return [
    line('part', 'figure', 'value'),
    line('-'.repeat(w0), '-'.repeat(w1), '-----'),
    ...rows.map((r) => line(...r)),
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean', default: false },
      only: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const seed =
    values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = (only ?? []).filter((n) => !parts.some((p) => p.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown part(s): ${unknown.join(', ')}; known: ${parts.map((p) => p.name).join(', ')}`,
    );
  }
  const chosen = parts.filter((p) => only === undefined || only.includes(p.name));
  console.log(
    `adversarial suite: ${values.full ? 'full' : 'short'} run, seed ${seed}, parts ${chosen.map((p) => p.name).join(', ')}`,
  );
  const results: PartResult[] = [];
  for (const entry of chosen) {
    const log = (s: string): void => {
      console.log(`[${entry.name}] ${s}`);
    };
    const started = Date.now();
    try {
      const part = await entry.load();
      results.push(await part({ full: values.full, seed, log }));
    } catch (err) {
      results.push({
        name: entry.name,
        figures: {},
        failures: [
          `the part crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        ],
      });
    }
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  console.log(`\n${table(results)}\n`);
  let failed = 0;
  for (const r of results) {
    for (const f of r.failures.slice(0, 50)) console.log(`FAIL [${r.name}] ${f}`);
    if (r.failures.length > 50)
      console.log(`FAIL [${r.name}] … and ${r.failures.length - 50} more`);
    failed += r.failures.length;
  }
  console.log(
    failed === 0
      ? `all targets met (seed ${seed})`
      : `${failed} failure(s) (seed ${seed}; rerun with --seed ${seed})`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
