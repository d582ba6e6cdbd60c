// SPDX-License-Identifier: Apache-2.0
// The setup step runner: every step says what it did ("unchanged" when nothing) and how long it
// took, and a failing step stops setup with its own exit code.

/** What a step did. `changed: false` prints "unchanged". */
export interface StepOutcome {
  readonly changed: boolean;
  /** Short note: what changed, or a fact worth seeing ("tcg (recorded 2026-…)"). */
  readonly note?: string;
}

/** One setup step: a name as printed, and the work. */
export interface SetupStep {
  readonly name: string;
  /** Exit code of setup when this step fails (see {@link ExitCode}). */
  readonly exitCode: number;
  run(log: (line: string) => void): Promise<StepOutcome>;
}

/** Exit codes of `npm run setup` (3 and 5 are shared with build/debian.mjs). */
export const ExitCode = {
  /** Packages are missing and there is neither root nor password-less sudo. */
  NO_PRIVILEGES: 3,
  /** apt-get failed. */
  APT_FAILED: 5,
  /** libvirt could not be prepared or did not answer in time. */
  LIBVIRT: 6,
  /** The demo guest could not be built. */
  GUEST: 7,
  /** The accelerator probe could not run. */
  PROBE: 8,
} as const;

/** A failure that carries the exit code setup must end with. */
export class SetupError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SetupError';
    this.exitCode = exitCode;
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * Runs the steps in order, printing `[setup] <name>: unchanged (0.05 s)` or
 * `[setup] <name>: <note> (12.30 s)`. Returns the process exit code: 0, or the failing step's.
 */
export async function runSteps(
  steps: readonly SetupStep[],
  print: (line: string) => void = (line) => {
    process.stdout.write(`${line}\n`);
  },
): Promise<number> {
  const started = Date.now();
  for (const step of steps) {
    const t0 = Date.now();
    try {
      const outcome = await step.run((line) => {
        print(`[setup] ${step.name}: ${line}`);
      });
      const what = outcome.changed
        ? (outcome.note ?? 'done')
        : `unchanged${outcome.note ? ` — ${outcome.note}` : ''}`;
      print(`[setup] ${step.name}: ${what} (${seconds(Date.now() - t0)})`);
    } catch (error) {
      const code =
        typeof (error as { exitCode?: unknown }).exitCode === 'number'
          ? (error as { exitCode: number }).exitCode
          : step.exitCode;
      const message = error instanceof Error ? error.message : String(error);
      print(`[setup] ${step.name}: FAILED after ${seconds(Date.now() - t0)}\n${message}`);
      return code;
    }
  }
  print(`[setup] all steps done in ${seconds(Date.now() - started)}`);
  return 0;
}
