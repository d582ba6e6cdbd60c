// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15 must-show 3: a 12-VM `tiny` lab applied with `aio lab apply -p 3` on a real engine
 * (real bridges, libvirtd, QEMU under TCG) starts in waves — never more than 3 booting, which
 * is asserted from the engine's own record of the start (each VM's RunVm time and the time
 * its guest printed its ready line) and its audit log — and every guest answers. Destroy
 * leaves nothing. Twelve boots: the one expensive test of this file set.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { peakBooting } from '../../main/engine/commands/lab/waves';
import {
  ADMIN_PASSWORD,
  API,
  type Appliance,
  items,
  runPrefix,
  startAppliance,
} from '../functional/support';
import { ipLink } from '../support/host-inspect';
import { hostTestSkipReason } from '../support/run-prefix';
import { tinyLab } from './tiny-lab';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AIO = join(ROOT, 'cli', 'aio.mjs');
const VMS = 12;
const PARALLELISM = 3;

const skip = hostTestSkipReason();
if (skip !== false) console.log(`aio lab start test skipped: ${skip}`);

describe.skipIf(skip !== false)('a 12-VM tiny lab starts in waves', () => {
  let a: Appliance;
  let dir: string;
  const p = runPrefix();
  const labName = `waves-${p}`;
  const net = `${p}w`;

  const aio = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [AIO, ...args],
        {
          cwd: ROOT,
          env: { ...process.env, AIO_URL: a.origin, AIO_PASSWORD: ADMIN_PASSWORD },
          timeout: 1_200_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          resolve({
            code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1,
            stdout,
            stderr,
          });
        },
      );
    });

  beforeAll(async () => {
    a = await startAppliance();
    dir = mkdtempSync(join(tmpdir(), 'aio-waves-'));
  });
  afterAll(async () => {
    if (a !== undefined) {
      await aio('lab', 'destroy', labName).catch(() => undefined);
      await a.stop();
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('never has more than 3 booting, and all 12 answer', { timeout: 1_500_000 }, async () => {
    const file = join(dir, 'lab.yml');
    writeFileSync(file, tinyLab(labName, net, p, VMS, PARALLELISM));
    const r = await aio('lab', 'apply', '-f', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`starting ${VMS} VM(s), at most ${PARALLELISM} booting at once`);
    expect(r.stdout).toContain(`${VMS} VM(s) answering, 0 not.`);
    // Progress per VM: one "answering" line each.
    expect(r.stderr.match(/✓ \S+ answering after/g)).toHaveLength(VMS);

    // The engine's record of the start: RunVm time and ready-line time of every VM.
    const labs = items(
      (await a.request('GET', `${API}/labs`, { format: 'json' })).body,
      'labs',
      'lab',
    );
    const labId = String(labs.find((l) => l.name === labName)?.id);
    const job = (await a.request('GET', `${API}/labs/${labId}/start`, { format: 'json' })).body as {
      status: string;
      parallelism: string;
      vms: { vm: { name: string; state: string; start_time: string; end_time: string }[] };
    };
    expect(job.status).toBe('finished');
    expect(job.vms.vm).toHaveLength(VMS);
    expect(job.vms.vm.every((v) => v.state === 'up')).toBe(true);
    const intervals = job.vms.vm.map((v) => ({
      startedAt: Number(v.start_time),
      doneAt: Number(v.end_time),
    }));
    // Waves: exactly 3 at the peak, never more.
    expect(peakBooting(intervals)).toBe(PARALLELISM);
    // The audit log agrees: each VM's RunVm event falls inside its boot interval, and
    // counting boots from those events (RunVm done → ready line) never gives more than 3.
    const events = items(
      (await a.request('GET', `${API}/events?max=1000`, { format: 'json' })).body,
      'events',
      'event',
    );
    const runAt = new Map(
      events
        .filter((e) => e.custom_data === 'USER_RUN_VM')
        .map((e) => [String((e.vm as { id?: string } | undefined)?.id), Number(e.time)]),
    );
    const vmIds = items(
      (await a.request('GET', `${API}/labs/${labId}/vms`, { format: 'json' })).body,
      'vms',
      'vm',
    );
    const idOf = new Map(vmIds.map((v) => [String(v.name), String(v.id)]));
    const fromAudit = job.vms.vm.map((v) => {
      const t = runAt.get(idOf.get(v.name) ?? '');
      expect(t, `RunVm event of ${v.name}`).toBeDefined();
      expect(Number(t)).toBeGreaterThanOrEqual(Number(v.start_time));
      expect(Number(t)).toBeLessThanOrEqual(Number(v.end_time));
      return { startedAt: Number(t), doneAt: Number(v.end_time) };
    });
    expect(peakBooting(fromAudit)).toBeLessThanOrEqual(PARALLELISM);
    console.log(
      `[waves] ${VMS} VMs, parallelism ${PARALLELISM}: all answering after ` +
        `${((Math.max(...intervals.map((i) => i.doneAt)) - Math.min(...intervals.map((i) => i.startedAt))) / 1000).toFixed(1)} s`,
    );

    const d = await aio('lab', 'destroy', labName);
    expect(d.code, d.stderr).toBe(0);
    expect(await ipLink(net)).toBeUndefined();
    const vms = items((await a.request('GET', `${API}/vms`, { format: 'json' })).body, 'vms', 'vm');
    expect(vms.filter((v) => String(v.name).startsWith(p))).toEqual([]);
  });
});
