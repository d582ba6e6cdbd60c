// SPDX-License-Identifier: Apache-2.0
/**
 * Starting a big lab in waves (issue 15), the decision part only: given each VM's start
 * settings and where every VM is now, which VMs start at this instant, which are given up,
 * and when to look again. Pure (time is a parameter), so the rules are tested without guests.
 *
 * - At most `parallelism` VMs boot at once (started, not yet answering): TCG guests share
 *   the host's cores, and a boot storm makes every guest slower than starting a few at a time.
 * - The memory the started VMs take never exceeds `memoryBudgetBytes` (what the host had free
 *   when the start began, less a reserve): a VM that no longer fits is reported, not started.
 * - Lower `group`s first: a group opens once every VM of the groups before it answered or
 *   failed. `dependsOn` VMs must answer first; `delayMs` counts from the later of the two.
 * - A VM whose dependency failed (or was given up) is given up too. Other VMs go on, unless
 *   `stopOnFailure`: then nothing new starts after the first failure.
 */

export type WaveVmState = 'waiting' | 'starting' | 'booting' | 'up' | 'failed' | 'skipped';

export interface WaveVm {
  readonly id: string;
  readonly name: string;
  readonly memoryBytes: number;
  readonly group: number;
  /** Ids of VMs of the same start that must answer first. */
  readonly dependsOn: readonly string[];
  readonly delayMs: number;
}

export interface WaveProgress {
  readonly state: WaveVmState;
  /** When it answered, failed or was given up (ms). */
  readonly doneAt?: number;
}

export interface WaveLimits {
  readonly parallelism: number;
  readonly memoryBudgetBytes: number;
  readonly stopOnFailure: boolean;
}

export interface WaveDecision {
  /** Start these now, in this order. */
  readonly start: readonly string[];
  /** Give these up, with the reason. */
  readonly skip: readonly { readonly id: string; readonly reason: string }[];
  /** The earliest time a delayed VM becomes ready (ms), when one waits for its delay. */
  readonly wakeAt: number | null;
}

const ACTIVE: readonly WaveVmState[] = ['starting', 'booting'];
const DONE: readonly WaveVmState[] = ['up', 'failed', 'skipped'];
const mib = (b: number): number => Math.round(b / 1048576);

/** What to do at `now` (ms) for VMs in file order; `startedAt` is when the start began. */
export function decideWave(
  vms: readonly WaveVm[],
  progress: ReadonlyMap<string, WaveProgress>,
  limits: WaveLimits,
  startedAt: number,
  now: number,
): WaveDecision {
  const stateOf = (id: string): WaveVmState => progress.get(id)?.state ?? 'waiting';
  const waiting = vms.filter((v) => stateOf(v.id) === 'waiting');
  const skip: { id: string; reason: string }[] = [];
  if (waiting.length === 0) return { start: [], skip, wakeAt: null };
  const failed = vms.find((v) => stateOf(v.id) === 'failed');
  if (limits.stopOnFailure && failed !== undefined) {
    for (const v of waiting)
      skip.push({ id: v.id, reason: `not started: ${failed.name} failed (stop on failure)` });
    return { start: [], skip, wakeAt: null };
  }
  const byId = new Map(vms.map((v) => [v.id, v]));
  // A dependency given up or failed gives up its dependants (transitively, over calls).
  for (const v of waiting) {
    const bad = v.dependsOn.find((d) => ['failed', 'skipped'].includes(stateOf(d)));
    if (bad !== undefined)
      skip.push({ id: v.id, reason: `not started: ${byId.get(bad)?.name ?? bad} did not answer` });
  }
  const skipped = new Set(skip.map((s) => s.id));
  const open = waiting.filter((v) => !skipped.has(v.id));
  const notDone = vms.filter((v) => !DONE.includes(stateOf(v.id)) && !skipped.has(v.id));
  if (open.length === 0 || notDone.length === 0) return { start: [], skip, wakeAt: null };
  const group = Math.min(...notDone.map((v) => v.group));
  // The group opened when the last VM of the groups before it was done.
  const opened = Math.max(
    startedAt,
    ...vms.filter((v) => v.group < group).map((v) => progress.get(v.id)?.doneAt ?? startedAt),
  );
  let slots = limits.parallelism - vms.filter((v) => ACTIVE.includes(stateOf(v.id))).length;
  let used = vms
    .filter((v) => [...ACTIVE, 'up'].includes(stateOf(v.id)))
    .reduce((sum, v) => sum + v.memoryBytes, 0);
  const start: string[] = [];
  let wakeAt: number | null = null;
  for (const v of open) {
    if (v.group !== group) continue;
    if (!v.dependsOn.every((d) => stateOf(d) === 'up')) continue;
    const readyAt =
      Math.max(opened, ...v.dependsOn.map((d) => progress.get(d)?.doneAt ?? opened)) + v.delayMs;
    if (readyAt > now) {
      wakeAt = wakeAt === null ? readyAt : Math.min(wakeAt, readyAt);
      continue;
    }
    if (slots <= 0) break;
    if (used + v.memoryBytes > limits.memoryBudgetBytes) {
      // Started VMs keep their memory: a VM that does not fit now never will in this start.
      skip.push({
        id: v.id,
        reason: `not started: needs ${mib(v.memoryBytes)} MiB, the host has ${mib(Math.max(0, limits.memoryBudgetBytes - used))} MiB left for this lab`,
      });
      continue;
    }
    start.push(v.id);
    used += v.memoryBytes;
    slots--;
  }
  return { start, skip, wakeAt };
}

/** The most VMs ever booting at once, from each VM's boot interval [startedAt, doneAt). */
export function peakBooting(
  intervals: readonly { readonly startedAt: number; readonly doneAt: number }[],
): number {
  const edges = intervals.flatMap((i) => [
    { t: i.startedAt, d: 1 },
    { t: i.doneAt, d: -1 },
  ]);
  // At equal times an end comes first: a slot freed at t may be taken at t.
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of edges) {
    now += e.d;
    peak = Math.max(peak, now);
  }
  return peak;
}
