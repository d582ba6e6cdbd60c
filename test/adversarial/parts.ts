// SPDX-License-Identifier: Apache-2.0
/**
 * The parts run.ts knows, in run order, loaded lazily so `--only fuzz` does not import the
 * others. `kill` (kill.ts, `runKillRounds`) and `faults` (faults.ts, `runFaultInjection`) are
 * written by the "recovery" helper: they are picked up when their files exist, so this list
 * needs no edit when they arrive (an explicit entry of the same name wins).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Part, PartEntry } from './types';

const explicit: PartEntry[] = [
  { name: 'fuzz', load: async () => (await import('./fuzz')).runFuzz },
  { name: 'concurrency', load: async () => (await import('./concurrency')).runConcurrency },
  { name: 'kill', load: async () => (await import('./kill')).runKillRounds },
  { name: 'faults', load: async () => (await import('./faults')).runFaultInjection },
];

/** Parts found by file name: [name, module file, export]. */
const OPTIONAL: readonly (readonly [string, string, string])[] = [
  ['kill', 'kill.ts', 'runKillRounds'],
  ['faults', 'faults.ts', 'runFaultInjection'],
];

const discovered: PartEntry[] = OPTIONAL.filter(
  ([name, file]) =>
    !explicit.some((p) => p.name === name) &&
    existsSync(fileURLToPath(new URL(file, import.meta.url))),
).map(([name, file, exported]) => ({
  name,
  load: async () => {
    const mod = (await import(new URL(file, import.meta.url).href)) as Record<string, unknown>;
    const part = mod[exported];
    if (typeof part !== 'function') throw new Error(`${file} does not export ${exported}`);
    return part as Part;
  },
}));

export const parts: PartEntry[] = [...explicit, ...discovered];
