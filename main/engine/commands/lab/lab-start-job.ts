// SPDX-License-Identifier: Apache-2.0
/**
 * The running side of a lab start in waves: asks {@link decideWave} what to do, starts each
 * VM through RunVm (`ctx.runInternal`: its own locks, validation, audit and compensation),
 * and watches it until it answers — for the tiny guest its `AIO-READY` line in the serial log
 * the engine keeps, for other guests the VM being up — or gives up after the boot timeout.
 * A VM that fails is reported and the others go on (unless the start says stop on failure).
 *
 * The running job lives in memory (per engine) and is stored (lab_start_job) at each VM's
 * change, so it is never silently forgotten: read after an engine restart, a start that was
 * still running is reported `interrupted` — VMs it had not started are `skipped` with the
 * reason, the ones it started stay as they are (as oVirt's async tasks end on restart).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { labsRepo } from '../../../../db/repos/labs.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import { parseTinyGuestReadyLine } from '../../../../libvirt/host-agent';
import type { LabStartJob, LabStartVm } from '../../../contract/labs';
import type { EngineContext } from '../../context';
import { decideWave, type WaveProgress, type WaveVm } from './waves';

/** How often booting VMs are looked at. */
const POLL_MS = 250;

interface Running {
  job: LabStartJob;
  cancelled: boolean;
}

/** Per engine (keyed by its database object): lab id → its last start. */
const jobsByEngine = new WeakMap<object, Map<string, Running>>();

function jobs(ctx: Pick<EngineContext, 'database'>): Map<string, Running> {
  let m = jobsByEngine.get(ctx.database);
  if (m === undefined) {
    m = new Map();
    jobsByEngine.set(ctx.database, m);
  }
  return m;
}

export function lastStart(ctx: Pick<EngineContext, 'database'>, labId: string): LabStartJob | null {
  const live = jobs(ctx).get(labId)?.job;
  if (live !== undefined) return live;
  const stored = labsRepo.findStartJob(ctx.database.db, labId);
  if (stored === null || stored.status !== 'running') return stored;
  // Running in the database but not in this engine: the engine stopped under it.
  const interrupted = interruptedJob(stored);
  labsRepo.saveStartJob(ctx.database.db, interrupted);
  return interrupted;
}

const OPEN_STATES = new Set(['waiting', 'starting', 'booting']);

/** A stored running start after an engine restart: ended, its open VMs told why. */
export function interruptedJob(job: LabStartJob): LabStartJob {
  const now = new Date().toISOString();
  return {
    ...job,
    status: 'interrupted',
    finishedAt: now,
    vms: job.vms.map((v) =>
      OPEN_STATES.has(v.state)
        ? {
            ...v,
            state: v.state === 'waiting' ? 'skipped' : 'failed',
            doneAt: now,
            detail: `the engine restarted while the VM was ${v.state}`,
          }
        : v,
    ),
  };
}

/** Stores the job; a failure to store never stops the start (it is reported in the log). */
function persist(ctx: EngineContext, job: LabStartJob): void {
  try {
    labsRepo.saveStartJob(ctx.database.db, job);
  } catch (e) {
    // The lab removed under its start (cascade), or the database closing (engine stop).
    console.warn(`[lab start] not stored: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function runningStart(
  ctx: Pick<EngineContext, 'database'>,
  labId: string,
): LabStartJob | null {
  const r = jobs(ctx).get(labId);
  return r !== undefined && r.job.status === 'running' ? r.job : null;
}

/** Asks a running start of the lab to start nothing more. */
export function cancelStart(ctx: Pick<EngineContext, 'database'>, labId: string): void {
  const r = jobs(ctx).get(labId);
  if (r !== undefined) r.cancelled = true;
}

/**
 * The serial log of this boot: the domain writes it with `append='off'` (domain-xml.ts), so
 * once RunVm has answered the file holds this boot only.
 */
async function serialLog(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

const serialLogOf = (ctx: EngineContext, vmId: string): string =>
  join(ctx.dataDir, 'vms', vmId, 'serial.log');

export interface StartPlan {
  readonly labId: string;
  readonly labName: string;
  readonly vms: readonly WaveVm[];
  readonly parallelism: number;
  readonly memoryBudgetBytes: number;
  readonly stopOnFailure: boolean;
  readonly bootTimeoutMs: number;
}

/** Creates the job, starts driving it in the background, and returns its first view. */
export function launchStart(ctx: EngineContext, plan: StartPlan): LabStartJob {
  const t0 = Date.now();
  const vmsState = new Map<string, LabStartVm>(
    plan.vms.map((v) => [
      v.id,
      {
        vmId: v.id,
        name: v.name,
        group: v.group,
        state: 'waiting',
        startedAt: null,
        doneAt: null,
        detail: null,
      },
    ]),
  );
  const running: Running = {
    cancelled: false,
    job: {
      labId: plan.labId,
      status: 'running',
      parallelism: plan.parallelism,
      memoryBudgetBytes: plan.memoryBudgetBytes,
      stopOnFailure: plan.stopOnFailure,
      startedAt: new Date(t0).toISOString(),
      finishedAt: null,
      vms: [...vmsState.values()],
    },
  };
  jobs(ctx).set(plan.labId, running);
  persist(ctx, running.job);
  const publish = (): void => {
    running.job = { ...running.job, vms: plan.vms.map((v) => vmsState.get(v.id) as LabStartVm) };
    persist(ctx, running.job);
  };
  const set = (id: string, patch: Partial<LabStartVm>): void => {
    const cur = vmsState.get(id);
    if (cur === undefined) return;
    vmsState.set(id, { ...cur, ...patch });
    publish();
    const done = [...vmsState.values()].filter((v) =>
      ['up', 'failed', 'skipped'].includes(v.state),
    ).length;
    const next = vmsState.get(id);
    ctx.progress(
      `Lab ${plan.labName}: VM ${cur.name} ${next?.state ?? ''}${next?.detail ? ` (${next.detail})` : ''}`,
      next?.state === 'failed' ? 'failed' : 'running',
      plan.vms.length === 0 ? 1 : done / plan.vms.length,
    );
  };
  const progressOf = (): Map<string, WaveProgress> =>
    new Map(
      [...vmsState.values()].map((v) => [
        v.vmId,
        {
          state: v.state,
          ...(v.doneAt !== null ? { doneAt: Date.parse(v.doneAt) } : {}),
        },
      ]),
    );
  /** Boot watch per started VM: tiny guest or not, when it was started. */
  const watch = new Map<string, { tiny: boolean; since: number }>();

  /** Runs one VM; it was marked `starting` at `since` by the caller. */
  const startOne = async (v: WaveVm, since: number): Promise<void> => {
    const vm = vmsRepo.findById(ctx.database.db, v.id);
    const run = ctx.runInternal;
    if (run === undefined) throw new Error('lab start outside the runner');
    // Every RunVm takes the host-networks lock: with many starting at once some wait longer
    // than the lock timeout and are refused as "in progress". That is a queue, not a failure:
    // try again until the boot timeout.
    let env = await run('RunVm', { id: v.id });
    while (
      !env.ok &&
      env.error.code === 'ACTION_TYPE_FAILED_OBJECT_LOCKED' &&
      Date.now() - since < plan.bootTimeoutMs
    ) {
      await new Promise((r) => setTimeout(r, 1000));
      env = await run('RunVm', { id: v.id });
    }
    if (!env.ok) {
      set(v.id, {
        state: 'failed',
        doneAt: new Date().toISOString(),
        detail: env.error.messages.join(' '),
      });
      return;
    }
    watch.set(v.id, { tiny: vm?.boot.kind === 'tiny', since });
    set(v.id, { state: 'booting' });
  };

  const checkBooting = async (): Promise<void> => {
    for (const [id, w] of watch) {
      const vm = vmsRepo.findById(ctx.database.db, id);
      const now = Date.now();
      let answered = false;
      let failure: string | null = null;
      if (vm === null || vm.status === 'down') failure = 'the VM went down while booting';
      else if (!w.tiny) answered = vm.status === 'up';
      else {
        const log = await serialLog(serialLogOf(ctx, id));
        answered = parseTinyGuestReadyLine(log) !== null;
        // Starved of CPU (too many TCG guests booting at once), the guest kernel may panic
        // (seen here: "IO-APIC + timer doesn't work"); the domain keeps running, so say so
        // now rather than at the boot timeout.
        const panic = answered ? undefined : /Kernel panic[^\r\n]*/.exec(log)?.[0];
        if (panic !== undefined) failure = `the guest kernel panicked: ${panic.slice(0, 160)}`;
      }
      if (!answered && failure === null && now - w.since > plan.bootTimeoutMs)
        failure = `did not answer within ${Math.round(plan.bootTimeoutMs / 1000)} s`;
      if (answered) {
        watch.delete(id);
        set(id, { state: 'up', doneAt: new Date(now).toISOString() });
      } else if (failure !== null) {
        watch.delete(id);
        set(id, { state: 'failed', doneAt: new Date(now).toISOString(), detail: failure });
      }
    }
  };

  const drive = async (): Promise<void> => {
    ctx.progress(`Lab ${plan.labName}: starting ${plan.vms.length} VM(s)`, 'started', 0);
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const now = Date.now();
      if (running.cancelled) {
        for (const v of vmsState.values())
          if (v.state === 'waiting')
            set(v.vmId, {
              state: 'skipped',
              doneAt: new Date(now).toISOString(),
              detail: 'lab stopped',
            });
      }
      const d = decideWave(plan.vms, progressOf(), plan, t0, now);
      for (const s of d.skip)
        set(s.id, { state: 'skipped', doneAt: new Date(now).toISOString(), detail: s.reason });
      for (const id of d.start) {
        const v = plan.vms.find((x) => x.id === id);
        if (v === undefined) continue;
        // Marked `starting` synchronously, so the next decision counts it.
        set(id, { state: 'starting', startedAt: new Date(now).toISOString() });
        const p = startOne(v, now).catch((e: unknown) => {
          set(id, {
            state: 'failed',
            doneAt: new Date().toISOString(),
            detail: e instanceof Error ? e.message : String(e),
          });
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      await checkBooting();
      const open = [...vmsState.values()].some(
        (v) => !['up', 'failed', 'skipped'].includes(v.state),
      );
      if (!open && inFlight.size === 0) break;
      const wait =
        d.wakeAt === null ? POLL_MS : Math.max(10, Math.min(POLL_MS, d.wakeAt - Date.now()));
      await new Promise((r) => setTimeout(r, wait));
    }
    running.job = { ...running.job, status: 'finished', finishedAt: new Date().toISOString() };
    persist(ctx, running.job);
    const failed = [...vmsState.values()].filter((v) => v.state !== 'up').length;
    ctx.progress(
      `Lab ${plan.labName}: ${plan.vms.length - failed} of ${plan.vms.length} VM(s) answering`,
      failed === 0 ? 'finished' : 'failed',
      1,
    );
  };

  void drive().catch((e: unknown) => {
    // The engine closing under a start (tests, shutdown): the job ends, VMs stay as they are.
    running.job = { ...running.job, status: 'finished', finishedAt: new Date().toISOString() };
    ctx.progress(
      `Lab ${plan.labName}: start ended: ${e instanceof Error ? e.message : String(e)}`,
      'failed',
      1,
    );
  });
  return running.job;
}
