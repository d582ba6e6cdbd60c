// SPDX-License-Identifier: Apache-2.0
// The contract between the adversarial suite's runner (run.ts) and its parts (fuzz,
// concurrency, kill rounds, fault injection): each part runs on its own, returns figures to
// print and the failures that break the targets of issue 10.

export interface PartOptions {
  /** The full run (thousands of requests, ≥ 100 kill rounds); otherwise a short one. */
  full: boolean;
  /** Seed for the part's PRNG, printed by the runner so a failure can be reproduced. */
  seed: number;
  /** Progress lines; the runner prints them with the part's name. */
  log: (line: string) => void;
}

export interface PartResult {
  name: string;
  /** Figures to print in the runner's table, e.g. { requests: 10000, '5xx': 0 }. */
  figures: Record<string, number | string>;
  /** One line per broken promise; empty when the part met its targets. */
  failures: string[];
}

export type Part = (opts: PartOptions) => Promise<PartResult>;

/** One runnable part: `name` is what `--only` selects; `load` imports it lazily. */
export interface PartEntry {
  name: string;
  load: () => Promise<Part>;
}
