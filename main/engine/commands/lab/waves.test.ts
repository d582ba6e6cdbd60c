// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { decideWave, peakBooting, type WaveProgress, type WaveVm } from './waves';

const MiB = 1048576;
const vm = (id: string, extra: Partial<WaveVm> = {}): WaveVm => ({
  id,
  name: id,
  memoryBytes: 192 * MiB,
  group: 0,
  dependsOn: [],
  delayMs: 0,
  ...extra,
});
const limits = { parallelism: 3, memoryBudgetBytes: 100_000 * MiB, stopOnFailure: false };
const at = (entries: [string, WaveProgress][]): Map<string, WaveProgress> => new Map(entries);

describe('decideWave', () => {
  it('starts at most `parallelism` VMs, then one per VM that answered', () => {
    const vms = ['a', 'b', 'c', 'd', 'e'].map((id) => vm(id));
    expect(decideWave(vms, new Map(), limits, 0, 0).start).toEqual(['a', 'b', 'c']);
    const p = at([
      ['a', { state: 'up', doneAt: 5 }],
      ['b', { state: 'booting' }],
      ['c', { state: 'booting' }],
    ]);
    expect(decideWave(vms, p, limits, 0, 6).start).toEqual(['d']);
  });

  it('honours groups, depends_on and delays', () => {
    const vms = [
      vm('db'),
      vm('app', { dependsOn: ['db'], delayMs: 1000 }),
      vm('late', { group: 1 }),
    ];
    expect(decideWave(vms, new Map(), limits, 0, 0)).toEqual({
      start: ['db'],
      skip: [],
      wakeAt: null,
    });
    const dbUp = at([['db', { state: 'up', doneAt: 10 }]]);
    expect(decideWave(vms, dbUp, limits, 0, 500)).toMatchObject({ start: [], wakeAt: 1010 });
    expect(decideWave(vms, dbUp, limits, 0, 1010).start).toEqual(['app']);
    const appUp = at([...dbUp, ['app', { state: 'up', doneAt: 2000 }]]);
    expect(decideWave(vms, appUp, limits, 0, 2000).start).toEqual(['late']);
  });

  it('gives up dependants of a failed VM and goes on with the others, unless stop on failure', () => {
    const vms = [vm('a'), vm('b', { dependsOn: ['a'] }), vm('c')];
    const p = at([['a', { state: 'failed', doneAt: 1 }]]);
    const d = decideWave(vms, p, limits, 0, 2);
    expect(d.start).toEqual(['c']);
    expect(d.skip).toEqual([{ id: 'b', reason: 'not started: a did not answer' }]);
    const stop = decideWave(vms, p, { ...limits, stopOnFailure: true }, 0, 2);
    expect(stop.start).toEqual([]);
    expect(stop.skip.map((s) => s.id)).toEqual(['b', 'c']);
  });

  it('never starts more memory than the host had free', () => {
    const vms = ['a', 'b', 'c'].map((id) => vm(id, { memoryBytes: 400 * MiB }));
    const d = decideWave(vms, new Map(), { ...limits, memoryBudgetBytes: 900 * MiB }, 0, 0);
    expect(d.start).toEqual(['a', 'b']);
    expect(d.skip[0]?.reason).toContain('needs 400 MiB, the host has 100 MiB left');
  });
});

describe('peakBooting', () => {
  it('counts overlapping boots; a slot freed at t may be taken at t', () => {
    expect(
      peakBooting([
        { startedAt: 0, doneAt: 10 },
        { startedAt: 0, doneAt: 5 },
        { startedAt: 5, doneAt: 8 },
        { startedAt: 9, doneAt: 12 },
      ]),
    ).toBe(2);
  });
});
