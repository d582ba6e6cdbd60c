// SPDX-License-Identifier: Apache-2.0
/**
 * Where engine start-up time goes (issue 14): named marks in milliseconds since the process
 * started (`performance.now()` counts from Node's time origin, before any module loaded).
 * The bench sets AIO_STARTUP_TRACE=1 and reads the one `startup-trace {...}` line the headless
 * engine prints once its start-up work is done; otherwise nothing is printed.
 */

export interface StartupMark {
  readonly name: string;
  /** Milliseconds since the process started. */
  readonly at: number;
  /**
   * CPU milliseconds the process used so far (all threads). On a loaded machine wall time
   * follows the other processes; CPU time still says what start-up itself costs.
   */
  readonly cpu: number;
}

const marks: StartupMark[] = [];

/** Records that `name` finished now. */
export function markStartup(name: string): void {
  const used = process.cpuUsage();
  marks.push({
    name,
    at: Math.round(performance.now() * 10) / 10,
    cpu: Math.round((used.user + used.system) / 100) / 10,
  });
}

/** The marks so far, in order. */
export function startupMarks(): readonly StartupMark[] {
  return [...marks];
}

/** Whether the trace line was asked for. */
export function startupTraceWanted(): boolean {
  return process.env.AIO_STARTUP_TRACE === '1';
}
