// SPDX-License-Identifier: Apache-2.0
/**
 * The intent protocol every command that touches the host follows (oVirt's compensation
 * context, made crash-safe):
 *
 *   tx 1  snapshot the rows the command may change, apply its database change, record a
 *         `command_intent` row (kind + payload + the snapshot of the rows it really changed)
 *   ────  host I/O, outside any transaction
 *   tx 2  store the result, drop the intent
 *
 * and the promises around it:
 * - host failure → restore the snapshot, drop the intent (retried with back-off), fail with
 *   the host's error: nothing happened;
 * - tx 2 failure (SQLITE_BUSY, I/O) → undo the host change (`undoHost`), restore the snapshot,
 *   drop the intent, answer 503: nothing happened. Without an `undoHost` (or when it fails)
 *   the host change stands, so tx 2 is retried until it commits: it happened, and is reported so;
 * - the intent is resolved before the command's locks are released: when the database stays
 *   unavailable beyond the foreground budget, resolution goes on in the background and the
 *   runner keeps the locks until it is done ({@link unresolvedIntents}). So restart recovery
 *   only ever meets intents of commands that died with the process, and restoring their
 *   snapshots cannot wipe a later commit.
 *
 * A new command kind = one call to {@link runIntent} in its execute + one recovery file and
 * one line in recoveries.ts (what to do at start-up with an intent of that kind).
 */
import { randomUUID } from 'node:crypto';

import type { Database, SnapshotTable, TableSnapshot, Tx } from '../../db/client';
import { intentsRepo } from '../../db/repos/intents.repo';
import { HostError } from '../contract/errors';
import type { EngineServices } from './context';
import { CommandFailure } from './validation';

/** Rows to capture before tx 1 changes them: `table` rows where `column = value`. */
export type SnapshotKey = readonly [SnapshotTable, string, string];

/** What tx 1 returns besides its own plan: what recovery needs to know. */
export interface Prepared<P> {
  /** The command's own data for the host step and tx 2. */
  readonly plan: P;
  /** Recovery data for the intent's kind (JSON). */
  readonly payload?: Record<string, unknown>;
  /** On-host network names the command changes (kind `host-networks`). */
  readonly hostNetworks?: readonly string[];
  /** VMs the command changes (kind `vm`). */
  readonly vmIds?: readonly string[];
  /** False: the database change is all there is (no host step; tx 2 still runs). */
  readonly touchHost?: boolean;
}

export interface IntentOp<P, R, T> {
  /** Command name, stored with the intent (audit, diagnostics). */
  readonly command: string;
  /** Which recovery handles a left-over intent (key of `recoveries` in recoveries.ts). */
  readonly kind: string;
  readonly hostId: string | null;
  /** Rows `prepare` may change; only those it really changed are kept for compensation. */
  readonly snapshots: readonly SnapshotKey[];
  /** tx 1: the database change (the intent). Synchronous. */
  prepare(tx: Tx): Prepared<P>;
  /** After tx 1 committed (publish the transitional state). */
  onRecorded?(plan: P): void;
  /** The host step, outside any transaction. */
  host(plan: P): Promise<R>;
  /** tx 2: store what the host did. Synchronous. */
  commit(tx: Tx, result: R | null, plan: P): T;
  /** Extra database work when compensating (inside the restoring transaction). */
  onCompensate?(tx: Tx, plan: P): void;
  /** Put the host back after `host` succeeded but tx 2 failed; omit when not possible. */
  undoHost?(plan: P, result: R): Promise<void>;
}

/** Retry back-off for compensation (ms); the last delay repeats. */
const BACKOFF_MS = [50, 100, 200, 400, 800, 1600];
/** How long a command keeps its caller waiting while resolving its intent. */
const FOREGROUND_BUDGET_MS = 10_000;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Intents whose resolution outlived the command's answer, per database (see the runner). */
const unresolved = new WeakMap<Database, Set<Promise<void>>>();

/** Settles when every intent resolution running in the background is done, or null. */
export function unresolvedIntents(database: Database): Promise<void> | null {
  const set = unresolved.get(database);
  if (!set || set.size === 0) return null;
  return Promise.allSettled([...set]).then(() => undefined);
}

/**
 * Run `step` until it succeeds: in the foreground for {@link FOREGROUND_BUDGET_MS}, then in
 * the background (tracked in {@link unresolvedIntents}). Resolves true when it succeeded in
 * the foreground.
 */
async function untilDone(database: Database, step: () => void | Promise<void>): Promise<boolean> {
  const deadline = Date.now() + FOREGROUND_BUDGET_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await step();
      return true;
    } catch {
      if (Date.now() > deadline) break;
      await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 1600);
    }
  }
  const background = (async () => {
    for (let attempt = 0; ; attempt++) {
      await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 1600);
      try {
        await step();
        return;
      } catch {
        // Still unavailable: keep trying; the locks stay held meanwhile.
      }
    }
  })();
  let set = unresolved.get(database);
  if (!set) {
    set = new Set();
    unresolved.set(database, set);
  }
  const s = set;
  s.add(background);
  void background.finally(() => s.delete(background));
  return false;
}

/** Is this a SQLite error meaning "the database cannot be used right now"? */
export function isDatabaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL)/.test(code)
  );
}

/** The 503 failure for a database that cannot be written now. */
export function databaseUnavailable(e: unknown, outcome: string): CommandFailure {
  const detail = e instanceof Error ? e.message : String(e);
  return new CommandFailure(
    'DATABASE_UNAVAILABLE',
    { detail: `${detail}; ${outcome}` },
    {
      cause: e,
    },
  );
}

/** Convert a host-layer error into the command's failure (execute-time: oVirt's 400). */
export function hostFailure(e: unknown): CommandFailure {
  if (e instanceof HostError) {
    return new CommandFailure(
      e.code,
      { detail: [e.message, e.detail].filter(Boolean).join(': ') },
      { cause: e },
    );
  }
  if (e instanceof CommandFailure) return e;
  return new CommandFailure(
    'HOST_COMMAND_FAILED',
    { detail: e instanceof Error ? e.message : String(e) },
    { cause: e },
  );
}

const keyOf = (row: Record<string, unknown>): string => JSON.stringify(row);

/**
 * Keep only the rows tx 1 really changed (added, removed or modified), so restoring never
 * touches a row the command did not: a whole-host snapshot restored later would otherwise
 * undo another command's commit on a sibling row.
 */
export function narrowSnapshots(
  database: Database,
  before: readonly TableSnapshot[],
): TableSnapshot[] {
  const out: TableSnapshot[] = [];
  for (const b of before) {
    const a = database.snapshot(b.table, b.column, b.value);
    const pkOf = database.primaryKeyOf(b.table);
    const afterByKey = new Map(a.rows.map((r) => [pkOf(r), r]));
    const beforeByKey = new Map(b.rows.map((r) => [pkOf(r), r]));
    const changed = new Set<string>();
    for (const [k, r] of beforeByKey) {
      const now = afterByKey.get(k);
      if (!now || keyOf(now) !== keyOf(r)) changed.add(k);
    }
    for (const k of afterByKey.keys()) if (!beforeByKey.has(k)) changed.add(k);
    if (changed.size === 0) continue;
    out.push({
      ...b,
      rows: b.rows.filter((r) => changed.has(pkOf(r))),
      keys: [...changed],
    });
  }
  return out;
}

/** Restore `snapshots` and drop the intent in one transaction (plus the command's extras). */
function compensateInDb(
  database: Database,
  intentId: string,
  snapshots: readonly TableSnapshot[],
  extra?: (tx: Tx) => void,
): void {
  database.transaction((tx) => {
    database.restoreInTransaction(snapshots);
    extra?.(tx);
    intentsRepo.delete(tx, intentId);
  });
}

/**
 * Run a host-touching command under an intent (see the file comment).
 * @throws CommandFailure: the host's error (nothing changed), DATABASE_UNAVAILABLE (nothing
 *   changed: 503, retry), never a failure for a change that happened
 */
export async function runIntent<P, R, T>(ctx: EngineServices, op: IntentOp<P, R, T>): Promise<T> {
  const { database } = ctx;
  const intentId = randomUUID();
  let snapshots: TableSnapshot[] = [];
  let prepared!: Prepared<P>;
  try {
    database.transaction((tx) => {
      const before = op.snapshots.map(([t, col, v]) => database.snapshot(t, col, v));
      prepared = op.prepare(tx);
      snapshots = narrowSnapshots(database, before);
      intentsRepo.insert(tx, {
        id: intentId,
        command: op.command,
        kind: op.kind,
        payload: prepared.payload ?? {},
        hostId: op.hostId,
        snapshot: snapshots,
        hostNetworks: prepared.hostNetworks ?? [],
        vmIds: prepared.vmIds ?? [],
      });
    });
  } catch (e) {
    if (isDatabaseUnavailable(e)) throw databaseUnavailable(e, 'nothing was changed');
    throw e;
  }
  const { plan } = prepared;
  op.onRecorded?.(plan);

  let result: R | null = null;
  if (prepared.touchHost !== false) {
    try {
      result = await op.host(plan);
    } catch (e) {
      await untilDone(database, () => {
        compensateInDb(database, intentId, snapshots, (tx) => op.onCompensate?.(tx, plan));
      });
      throw hostFailure(e);
    }
  }

  const commit = (): T =>
    database.transaction((tx) => {
      const out = op.commit(tx, result, plan);
      intentsRepo.delete(tx, intentId);
      return out;
    });
  try {
    return commit();
  } catch (e) {
    const undo = op.undoHost?.bind(op);
    let undone = result === null || prepared.touchHost === false;
    if (!undone && undo) {
      for (const delay of [0, ...BACKOFF_MS.slice(0, 3)]) {
        await sleep(delay);
        try {
          await undo(plan, result as R);
          undone = true;
          break;
        } catch {
          // Try again; when the host cannot be put back, the change stands (below).
        }
      }
    }
    if (undone) {
      await untilDone(database, () => {
        compensateInDb(database, intentId, snapshots, (tx) => op.onCompensate?.(tx, plan));
      });
      if (isDatabaseUnavailable(e)) throw databaseUnavailable(e, 'the change was undone; retry');
      throw e;
    }
    // The host change stands and cannot be undone: it happened, so it must be recorded.
    let value: { v: T } | null = null;
    const inForeground = await untilDone(database, () => {
      value = { v: commit() };
    });
    if (inForeground && value !== null) return (value as { v: T }).v;
    throw databaseUnavailable(
      e,
      'the host applied the change; it is being recorded and will show shortly',
    );
  }
}
