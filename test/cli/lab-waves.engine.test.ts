// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15, starting big labs, on a real engine and SQLite with the recording fake host: the
 * guests' "answer" (the tiny guest's AIO-READY line in its serial log) is written by the test,
 * so the waves are checked exactly and quickly. The same code path with real guests is
 * test/cli/lab-start.engine.test.ts (must-show 3).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LabStartJob, LabStartVm } from '../../main/contract/labs';
import { peakBooting } from '../../main/engine/commands/lab/waves';
import { type Harness, must, removeDir, startHarness } from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;

beforeEach(async () => {
  h = await startHarness(new RecordingHostAgent());
});
afterEach(async () => {
  await h.close();
  removeDir(h.dir);
});

const CL = { name: 'Default' };

async function lab(n: number): Promise<{ labId: string; vmIds: string[] }> {
  const l = await h.ok('AddLab', { name: 'big' });
  const vmIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const vm = await h.ok('AddVm', {
      name: `vm${String(i).padStart(2, '0')}`,
      cluster: CL,
      template: { name: 'tiny' },
      memoryBytes: 64 * 1048576,
    });
    await h.ok('AttachToLab', { labId: l.id, vmId: vm.id });
    vmIds.push(vm.id);
  }
  return { labId: l.id, vmIds };
}

/** The guest "answers": what the tiny guest prints once its NICs are up. */
function answer(vmId: string): void {
  const dir = join(h.dir, 'vms', vmId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'serial.log'), `boot…\nAIO-READY name=${vmId}\naio# `);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Answers every booting VM, one at a time with a pause, until the job ends. */
async function answerAll(labId: string, onTick?: (j: LabStartJob) => void): Promise<LabStartJob> {
  for (let i = 0; i < 400; i++) {
    const j = await h.ok('GetLabStartJob', { id: labId });
    onTick?.(j);
    if (j.status === 'finished') return j;
    const booting = j.vms.find((v) => v.state === 'booting');
    if (booting) answer(booting.vmId);
    await sleep(120);
  }
  throw new Error('lab start did not finish');
}

describe('StartLab starts VMs in waves', () => {
  it('never has more than `parallelism` VMs booting, and all answer', async () => {
    const { labId } = await lab(7);
    const job = await h.ok('StartLab', { id: labId, parallelism: 3 });
    expect(job.vms).toHaveLength(7);
    let seenPeak = 0;
    const done = await answerAll(labId, (j) => {
      seenPeak = Math.max(
        seenPeak,
        j.vms.filter((v) => ['starting', 'booting'].includes(v.state)).length,
      );
    });
    expect(done.vms.every((v) => v.state === 'up')).toBe(true);
    expect(seenPeak).toBe(3);
    const intervals = done.vms.map((v) => ({
      startedAt: Date.parse(must(v.startedAt)),
      doneAt: Date.parse(must(v.doneAt)),
    }));
    expect(peakBooting(intervals)).toBeLessThanOrEqual(3);
    // Every VM is running, each started by its own audited RunVm.
    const vms = await h.ok('GetAllVms', {});
    expect(vms.every((v) => v.status === 'up')).toBe(true);
    const events = await h.ok('GetEvents', {});
    expect(events.filter((e) => e.code === 'USER_RUN_VM')).toHaveLength(7);
    // A new start finds nothing down, so it starts nothing.
    expect((await h.ok('StartLab', { id: labId })).vms).toEqual([]);
    const stop = await h.ok('StopLab', { id: labId });
    expect(stop.stopped).toHaveLength(7);
    expect((await h.ok('GetAllVms', {})).every((v) => v.status === 'down')).toBe(true);
  });

  it('honours depends_on, gives up dependants of a VM that does not answer, and goes on with the rest', async () => {
    const { labId, vmIds } = await lab(4);
    const [a, b, c, d] = [0, 1, 2, 3].map((i) => must(vmIds[i])) as [
      string,
      string,
      string,
      string,
    ];
    const job = await h.ok('StartLab', {
      id: labId,
      parallelism: 4,
      bootTimeoutSeconds: 5,
      order: [
        { vmId: a },
        { vmId: b, dependsOn: [a] },
        { vmId: c },
        { vmId: d, dependsOn: [c], delaySeconds: 1 },
      ],
    });
    expect(job.vms.map((v) => v.vmId)).toEqual([a, b, c, d]);
    // a never answers (times out); c answers; d starts ≥ 1 s after c answered.
    let final: LabStartJob | null = null;
    for (let i = 0; i < 200 && final === null; i++) {
      const j = await h.ok('GetLabStartJob', { id: labId });
      const cv = must(j.vms.find((v) => v.vmId === c));
      const dv = must(j.vms.find((v) => v.vmId === d));
      if (cv.state === 'booting') answer(c);
      if (dv.state === 'booting') answer(d);
      if (j.status === 'finished') final = j;
      await sleep(150);
    }
    const byId = (id: string): LabStartVm => must(must(final).vms.find((v) => v.vmId === id));
    expect(byId(a)).toMatchObject({ state: 'failed', detail: 'did not answer within 5 s' });
    expect(byId(b)).toMatchObject({ state: 'skipped' });
    expect(byId(b).detail).toContain('did not answer');
    expect(byId(c).state).toBe('up');
    expect(byId(d).state).toBe('up');
    expect(
      Date.parse(must(byId(d).startedAt)) - Date.parse(must(byId(c).doneAt)),
    ).toBeGreaterThanOrEqual(1000);
  });

  it('refuses a start order naming a VM outside the lab or looping, changing nothing', async () => {
    const { labId, vmIds } = await lab(2);
    const [a, b] = [must(vmIds[0]), must(vmIds[1])];
    const other = await h.ok('AddVm', { name: 'outside', cluster: CL, template: { name: 'tiny' } });
    const outside = await h.err('StartLab', { id: labId, order: [{ vmId: other.id }] });
    expect(outside.code).toBe('ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID');
    const loop = await h.err('StartLab', {
      id: labId,
      order: [
        { vmId: a, dependsOn: [b] },
        { vmId: b, dependsOn: [a] },
      ],
    });
    expect(loop.code).toBe('ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID');
    expect(loop.messages[0]).toContain('depends_on loops');
    expect((await h.ok('GetAllVms', {})).every((v) => v.status === 'down')).toBe(true);
    expect((await h.err('GetLabStartJob', { id: labId })).code).toBe('ENTITY_NOT_FOUND');
  });

  it('stores the start order given with a start; a start without one (Start all) honours it', async () => {
    const { labId, vmIds } = await lab(2);
    const [a, b] = [must(vmIds[0]), must(vmIds[1])];
    await h.ok('StartLab', {
      id: labId,
      parallelism: 2,
      order: [{ vmId: b, group: 1, dependsOn: [a] }, { vmId: a }],
    });
    await answerAll(labId);
    await h.ok('StopLab', { id: labId });
    // The Labs page's "Start all": no order sent; b still waits for a.
    const job = await h.ok('StartLab', { id: labId, parallelism: 2 });
    expect(job.vms.map((v) => [v.vmId, v.group])).toEqual([
      [a, 0],
      [b, 1],
    ]);
    const seen: string[] = [];
    const done = await answerAll(labId, (j) => {
      const [va, vb] = [must(j.vms[0]), must(j.vms[1])];
      if (va.state !== 'up') expect(vb.state).toBe('waiting');
      seen.push(`${va.state}/${vb.state}`);
    });
    expect(seen).toContain('booting/waiting');
    const byId = (id: string): LabStartVm => must(done.vms.find((v) => v.vmId === id));
    expect(Date.parse(must(byId(b).startedAt))).toBeGreaterThanOrEqual(
      Date.parse(must(byId(a).doneAt)),
    );
  });

  it('a start running when the engine stops is reported as interrupted after the restart', async () => {
    const { labId, vmIds } = await lab(2);
    const [a, b] = [must(vmIds[0]), must(vmIds[1])];
    await h.ok('StartLab', {
      id: labId,
      parallelism: 2,
      order: [{ vmId: a }, { vmId: b, dependsOn: [a] }],
    });
    for (let i = 0; i < 100; i++) {
      const j = await h.ok('GetLabStartJob', { id: labId });
      if (must(j.vms[0]).state === 'booting') break;
      await sleep(100);
    }
    // The engine stops under the start (a booting, b waiting) and starts again on its data.
    await h.close();
    h = await startHarness(new RecordingHostAgent(), h.dir);
    const after = await h.ok('GetLabStartJob', { id: labId });
    expect(after.status).toBe('interrupted');
    expect(after.finishedAt).not.toBeNull();
    expect(after.vms.map((v) => [v.vmId, v.state, v.detail])).toEqual([
      [a, 'failed', 'the engine restarted while the VM was booting'],
      [b, 'skipped', 'the engine restarted while the VM was waiting'],
    ]);
    // Not a start in progress: a new one is accepted.
    expect((await h.ok('StartLab', { id: labId })).status).toBe('running');
    await h.ok('StopLab', { id: labId });
  });

  it("UpdateLab stores a start order (checked like a start's); Start all then honours it", async () => {
    const { labId, vmIds } = await lab(2);
    const [a, b] = [must(vmIds[0]), must(vmIds[1])];
    // A loop or a VM outside the lab is refused, and the stored order stays as it was.
    const before = await h.ok('GetLabById', { id: labId });
    const loop = await h.err('UpdateLab', {
      id: labId,
      startOrder: [
        { vmId: a, dependsOn: [b] },
        { vmId: b, dependsOn: [a] },
      ],
    });
    expect(loop.code).toBe('ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID');
    expect(loop.messages.join(' ')).toContain('depends_on loops through VM vm00');
    expect(await h.ok('GetLabById', { id: labId })).toEqual(before);
    // b first in the listing would start first; the stored order makes it wait for a.
    const updated = await h.ok('UpdateLab', {
      id: labId,
      startOrder: [
        { vmId: a, group: 1 },
        { vmId: b, group: 1, dependsOn: [a], delaySeconds: 0 },
      ],
    });
    expect(updated.startOrder).toEqual([
      { vmId: a, group: 1, dependsOn: [], delaySeconds: 0 },
      { vmId: b, group: 1, dependsOn: [a], delaySeconds: 0 },
    ]);
    const job = await h.ok('StartLab', { id: labId, parallelism: 2 });
    expect(job.vms.map((v) => v.group)).toEqual([1, 1]);
    const done = await answerAll(labId, (j) => {
      if (must(j.vms.find((v) => v.vmId === a)).state !== 'up')
        expect(must(j.vms.find((v) => v.vmId === b)).state).toBe('waiting');
    });
    expect(done.vms.every((v) => v.state === 'up')).toBe(true);
  });
});
