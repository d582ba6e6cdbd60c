// SPDX-License-Identifier: Apache-2.0
// Bench row 1 (issue 14): engine cold start to the first 200 of /ovirt-engine/api on a fresh
// data dir, idle resident memory, and where both go. The engine prints its start-up marks
// (main/engine/startup-trace.ts) when AIO_STARTUP_TRACE=1; the steps before the first answer are
// the cold start, the ones after it are the start-up work that operations wait for.
import { readFileSync } from 'node:fs';

import { ServedAppliance } from './appliance';
import { median } from './measure';

/** What a row needs from bench.ts's `record` (printed as `  metric: value unit`). */
type Record_ = (r: { metric: string; value: number; unit: string }) => void;

interface Mark {
  readonly name: string;
  readonly at: number;
  /** CPU ms of the engine process so far (absent in older engines). */
  readonly cpu?: number;
}

/** Names of the steps, in order, as the engine marks them ("X" = the step that ends at mark X). */
const STEP_WORDS: Readonly<Record<string, string>> = {
  'modules evaluated': 'node start + loading the engine bundle',
  'engine loaded': 'composition (host agent, engine objects)',
  'database opened and migrated': 'SQLite open + migrations',
  seeded: 'seed + local host row',
  listening: 'HTTP server listening (+ own probe)',
  'admin password hashed': 'admin password hash (scrypt)',
  'storage started': 'storage start (local domain, sweep, bundled image)',
  'interrupted commands recovered': 'recovery of interrupted commands',
  'host activated': 'host activation',
  'host checked, VMs reconciled': 'host check + VM reconciliation',
};

/** The `startup-trace [...]` line the engine prints once its start-up work is done. */
function traceOf(output: string): Mark[] | null {
  const line = /^startup-trace (\[.*\])$/m.exec(output)?.[1];
  return line === undefined ? null : (JSON.parse(line) as Mark[]);
}

/** Resident memory split (kB → MiB) from /proc/<pid>/smaps_rollup. */
function memorySplit(pid: number): { anon: number; file: number } {
  const text = readFileSync(`/proc/${String(pid)}/smaps_rollup`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  const rss = kb('Rss');
  const anon = kb('Anonymous');
  return { anon: anon / 1024, file: (rss - anon) / 1024 };
}

export async function coldStart(runs: number, record: Record_): Promise<void> {
  console.log(`1. engine cold start (${runs} runs, fresh data dir each)`);
  const firstAnswer: number[] = [];
  const ready: number[] = [];
  const steps = new Map<string, number[]>();
  const cpuSteps = new Map<string, number[]>();
  let rss = Number.NaN;
  let split = { anon: Number.NaN, file: Number.NaN };
  for (let i = 0; i < runs; i++) {
    const a = await ServedAppliance.spawn({ AIO_STARTUP_TRACE: '1' });
    try {
      const answered = await a.waitUntilServing();
      firstAnswer.push(answered);
      const deadline = Date.now() + 60_000;
      let marks = traceOf(a.output());
      while (marks === null && Date.now() < deadline && a.process.exitCode === null) {
        await new Promise((r) => setTimeout(r, 20));
        marks = traceOf(a.output());
      }
      if (marks !== null) {
        let previous = 0;
        let previousCpu = 0;
        for (const m of marks) {
          const list = steps.get(m.name) ?? [];
          list.push(m.at - previous);
          steps.set(m.name, list);
          previous = m.at;
          if (m.cpu !== undefined) {
            const cpu = cpuSteps.get(m.name) ?? [];
            cpu.push(m.cpu - previousCpu);
            cpuSteps.set(m.name, cpu);
            previousCpu = m.cpu;
          }
        }
        const last = marks.at(-1);
        if (last !== undefined) ready.push(last.at);
        const listening = marks.find((m) => m.name === 'listening');
        if (listening !== undefined) {
          const list = steps.get('first 200 seen by the client') ?? [];
          list.push(answered - listening.at);
          steps.set('first 200 seen by the client', list);
        }
      }
      if (i === runs - 1) {
        await new Promise((r) => setTimeout(r, 3_000)); // idle
        rss = a.residentMiB();
        if (a.process.pid !== undefined) split = memorySplit(a.process.pid);
      }
    } finally {
      await a.stop();
    }
  }
  record({ metric: 'cold start to first 200 (median)', value: median(firstAnswer), unit: 'ms' });
  record({ metric: 'resident memory once idle', value: rss, unit: 'MiB' });
  if (steps.size === 0) {
    console.log('  (the engine printed no start-up trace: no breakdown)');
    return;
  }
  // Where the time goes: the steps before the first answer, then the start-up work after it.
  // Wall time per step, and the CPU time the engine spent in it (all its threads): on a
  // loaded machine the first follows the other processes, the second what start-up costs.
  const row = (name: string): void => {
    const v = median(steps.get(name) ?? []);
    if (!Number.isFinite(v)) return;
    const words = STEP_WORDS[name] ?? name;
    record({ metric: `cold start step: ${words} (median)`, value: v, unit: 'ms' });
    const cpu = median(cpuSteps.get(name) ?? []);
    if (Number.isFinite(cpu))
      record({ metric: `cold start step: ${words}, CPU (median)`, value: cpu, unit: 'ms' });
  };
  const names = [...steps.keys()];
  const cut = names.indexOf('listening') + 1;
  console.log('  before the first answer (median per step):');
  for (const n of names.slice(0, cut)) row(n);
  row('first 200 seen by the client');
  console.log('  start-up work after it (operations wait for it):');
  for (const n of names.slice(cut).filter((n) => n !== 'first 200 seen by the client')) row(n);
  const done = median(ready);
  record({ metric: 'start-up work done, ms after spawn (median)', value: done, unit: 'ms' });
  console.log(
    `  idle memory: ${rss.toFixed(0)} MiB resident = ${split.anon.toFixed(0)} MiB anonymous (V8 heap, native allocations) + ${split.file.toFixed(0)} MiB file-backed (node binary, libraries)`,
  );
  record({ metric: 'resident memory once idle: anonymous', value: split.anon, unit: 'MiB' });
  record({ metric: 'resident memory once idle: file-backed', value: split.file, unit: 'MiB' });
}
