// SPDX-License-Identifier: Apache-2.0
// The parts run.ts knows, in run order. Loaded lazily so `--only fuzz` does not import the
// others. The "recovery" helper adds `kill` (runKillRounds) and `faults` (runFaultInjection).
import type { PartEntry } from './types';

export const parts: PartEntry[] = [
  { name: 'fuzz', load: async () => (await import('./fuzz')).runFuzz },
  { name: 'concurrency', load: async () => (await import('./concurrency')).runConcurrency },
];
