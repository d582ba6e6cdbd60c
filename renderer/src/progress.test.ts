// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { foldProgress } from './progress';

const ev = (jobId: string, status: 'started' | 'running' | 'finished' | 'failed') => ({
  type: 'progress' as const,
  jobId,
  description: `job ${jobId}`,
  status,
  fraction: null,
});

describe('progress', () => {
  it('keeps one entry per job, newest first, and drops old finished jobs', () => {
    let jobs = foldProgress([], ev('a', 'started'), 0);
    jobs = foldProgress(jobs, ev('b', 'running'), 1);
    jobs = foldProgress(jobs, ev('a', 'finished'), 2);
    expect(jobs.map((j) => [j.jobId, j.status])).toEqual([
      ['a', 'finished'],
      ['b', 'running'],
    ]);
    jobs = foldProgress(jobs, ev('c', 'started'), 10 * 60_000);
    expect(jobs.map((j) => j.jobId)).toEqual(['c', 'b']);
  });
});
