// SPDX-License-Identifier: Apache-2.0
/**
 * Background completion of long storage work, as oVirt's async tasks: the command returns
 * with the disk/template/VM `locked`, the job finishes it. Jobs are tracked per database so
 * engine shutdown (and tests) can wait for them; a job that dies with the process leaves its
 * intent behind, which start-up recovery handles.
 */
import type { Database } from '../../../../db/client';

const jobs = new WeakMap<Database, Set<Promise<void>>>();

/** Run `work` after the current command returns. Its errors must be handled inside. */
export function startJob(database: Database, work: () => Promise<void>): void {
  let set = jobs.get(database);
  if (!set) {
    set = new Set();
    jobs.set(database, set);
  }
  const s = set;
  const p: Promise<void> = Promise.resolve()
    .then(work)
    .catch(() => undefined)
    .finally(() => s.delete(p));
  s.add(p);
}

/** Wait until every running job of `database` has finished (including jobs they start). */
export async function drainJobs(database: Database): Promise<void> {
  for (;;) {
    const set = jobs.get(database);
    if (!set || set.size === 0) return;
    await Promise.allSettled([...set]);
  }
}
