// SPDX-License-Identifier: Apache-2.0
/**
 * The execute part of a storage command after tx 1: host work → tx 2 → delete obsolete
 * files → intent gone. On any failure the same compensation as start-up recovery runs
 * (storage-intents.ts), so a failed copy leaves no half file and no `ok` disk.
 */
import type { Tx } from '../../../../db/client';
import { intentsRepo } from '../../../../db/repos/intents.repo';
import type { EngineContext } from '../../context';
import { hostFailure } from '../../host-networks';
import { auditStorage, publishTouched, settleIntent, type StorageIntent } from './storage-intents';
import { startJob } from './storage-jobs';

export interface StorageJob {
  /** Progress / audit wording, e.g. `Copying disk d1`. */
  readonly description: string;
  /** Audit code of the background result (`_FAILED` appended on failure). */
  readonly auditCode: string;
  readonly vmId?: string | null;
  /** Host work: creates the files listed in the intent's `created`. */
  work(report: (fraction: number) => void): Promise<void>;
  /** tx 2: record the result. */
  commit(tx: Tx): void;
}

async function run(ctx: EngineContext, intent: StorageIntent, job: StorageJob): Promise<void> {
  ctx.progress(job.description, 'started', 0);
  try {
    await job.work((f) => {
      ctx.progress(job.description, 'running', f);
    });
    ctx.database.transaction((tx) => {
      job.commit(tx);
    });
  } catch (e) {
    const failure = hostFailure(e);
    const detail = String(failure.failure.vars.detail ?? failure.failure.code);
    ctx.progress(job.description, 'failed');
    try {
      await settleIntent(ctx, intent, `${job.description} failed: ${detail}`);
    } catch {
      // Left for start-up recovery (the intent stays).
    }
    publishTouched(ctx, intent.payload);
    auditStorage(
      ctx,
      `${job.auditCode}_FAILED`,
      'error',
      `${job.description} failed: ${detail}`,
      job.vmId ?? null,
    );
    throw failure;
  }
  // Committed: obsolete files go; a failure here is finished by recovery, never undone.
  try {
    await settleIntent(ctx, intent, 'completed');
  } catch {
    // The intent stays; start-up rolls it forward.
  }
  publishTouched(ctx, intent.payload);
  ctx.progress(job.description, 'finished', 1);
}

/**
 * Run the job after the command returns (oVirt async task: the caller sees `locked`, then
 * `ok` or `illegal`). Failures are audited and compensated.
 */
export function runInBackground(ctx: EngineContext, intent: StorageIntent, job: StorageJob): void {
  startJob(ctx.database, async () => {
    try {
      await run(ctx, intent, job);
      auditStorage(ctx, job.auditCode, 'normal', `${job.description} finished.`, job.vmId ?? null);
    } catch {
      // Already compensated and audited.
    }
  });
}

/** Run the job before the command returns; a failure fails the command (compensated). */
export function runInline(
  ctx: EngineContext,
  intent: StorageIntent,
  job: StorageJob,
): Promise<void> {
  return run(ctx, intent, job);
}

/** Remove an intent a command settled without a job (nothing on the host was started). */
export function dropIntent(ctx: EngineContext, intent: StorageIntent): void {
  ctx.database.transaction((tx) => {
    intentsRepo.delete(tx, intent.id);
  });
}
