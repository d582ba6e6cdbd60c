// SPDX-License-Identifier: Apache-2.0
// Progress of long actions (a VM booting, a network deployed to hosts), collected for the
// whole window from the moment it opens, so the Events page and the masthead show jobs that
// started while another screen was open.
import { useEffect, useState } from 'react';

import type { ProgressEvent } from '../../main/contract/events';
import type { ContractClient } from './client/client';

export type Job = ProgressEvent & { readonly at: number };

const KEEP_FINISHED_MS = 5 * 60_000;

/** Folds one progress event into the job list (newest first; old finished jobs dropped). */
export function foldProgress(jobs: readonly Job[], e: ProgressEvent, now: number): Job[] {
  const rest = jobs.filter(
    (j) =>
      j.jobId !== e.jobId &&
      (j.status === 'started' || j.status === 'running' || now - j.at < KEEP_FINISHED_MS),
  );
  return [{ ...e, at: now }, ...rest];
}

export class ProgressStore {
  private jobs: Job[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly client: ContractClient;

  constructor(client: ContractClient) {
    this.client = client;
  }

  /** Starts collecting; returns the function that stops (for a React effect's cleanup). */
  attach(): () => void {
    return this.client.onEvent((e) => {
      if (e.type !== 'progress') return;
      this.jobs = foldProgress(this.jobs, e, Date.now());
      for (const l of this.listeners) l();
    });
  }

  get current(): readonly Job[] {
    return this.jobs;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

export function useJobs(store: ProgressStore): readonly Job[] {
  const [jobs, setJobs] = useState(store.current);
  useEffect(
    () =>
      store.subscribe(() => {
        setJobs(store.current);
      }),
    [store],
  );
  return jobs;
}
