// SPDX-License-Identifier: Apache-2.0
/**
 * `aio lab apply` / `aio lab start`: asks the engine to start the lab in waves
 * (`POST /labs/{id}/start`, with the file's start order and limits), then follows the job
 * (`GET /labs/{id}/start`) and prints one line per VM as it moves: starting, answering (with
 * its boot time), failed or not started (with the engine's reason). The engine decides the
 * waves (it knows the host); the CLI only shows them.
 */
import { type EngineClient, type Json, listOf, text } from '../engine/client';
import type { Lab } from './model';

export interface StartOutcome {
  readonly up: readonly string[];
  readonly failed: readonly {
    readonly name: string;
    readonly state: string;
    readonly detail: string;
  }[];
  /** Per VM: when RunVm was asked and when it answered (ms since epoch), for reports. */
  readonly boots: readonly {
    readonly name: string;
    readonly startedAt: number;
    readonly doneAt: number;
  }[];
}

export interface StartOptions {
  readonly parallelism?: number;
  readonly pollMs?: number;
}

/** The start order of the file, as the engine's action takes it (VM names → ids). */
function orderBody(lab: Lab, idOf: ReadonlyMap<string, string>): Json[] {
  return lab.vms.flatMap((v) => {
    const id = idOf.get(v.name);
    if (id === undefined) return [];
    const deps = v.dependsOn.flatMap((d) => {
      const dep = idOf.get(d);
      return dep === undefined ? [] : [{ id: dep }];
    });
    return [
      {
        id,
        group: v.group,
        delay: v.startDelaySeconds,
        ...(deps.length > 0 ? { depends_on: { vm: deps } } : {}),
      },
    ];
  });
}

/** One order entry as `group|delay|deps`, whatever the JSON gave (numbers or strings). */
const orderKey = (group: unknown, delay: unknown, deps: readonly string[]): string =>
  `${Number(group ?? 0)}|${Number(delay ?? 0)}|${[...deps].sort().join(',')}`;

/**
 * Stores the file's start order with the engine's lab (`PUT /labs/{id}`), so a start without
 * the file (the Labs page's "Start all") honours it. Only when it differs from the stored one;
 * true when it was stored.
 */
export async function storeStartOrder(
  client: EngineClient,
  labId: string,
  lab: Lab,
): Promise<boolean> {
  const vms = await client.list(`/labs/${labId}/vms`, 'vm');
  const idOf = new Map(vms.map((v) => [text(v, 'name') ?? '', text(v, 'id') ?? '']));
  const wanted = orderBody(lab, idOf);
  const current = await client.call('GET', `/labs/${labId}`);
  const stored = new Map(
    listOf(current, 'start_order.vm').map((v) => [
      text(v, 'id') ?? '',
      orderKey(
        text(v, 'group'),
        text(v, 'delay'),
        listOf(v, 'depends_on.vm').map((d) => text(d, 'id') ?? ''),
      ),
    ]),
  );
  const same = wanted.every((w) => {
    const o = w as {
      id: string;
      group: number;
      delay: number;
      depends_on?: { vm: { id: string }[] };
    };
    return (
      stored.get(o.id) ===
      orderKey(
        o.group,
        o.delay,
        (o.depends_on?.vm ?? []).map((d) => d.id),
      )
    );
  });
  if (same) return false;
  await client.call('PUT', `/labs/${labId}`, { start_order: { vm: wanted } });
  return true;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** oVirt JSON dates are milliseconds since the epoch (a number); NaN when absent. */
const timeOf = (r: unknown, key: string): number => Number(text(r, key) ?? 'NaN');

export async function startLab(
  client: EngineClient,
  labId: string,
  lab: Lab | null,
  options: StartOptions,
  progress: (line: string) => void,
): Promise<StartOutcome> {
  const vms = await client.list(`/labs/${labId}/vms`, 'vm');
  const idOf = new Map(vms.map((v) => [text(v, 'name') ?? '', text(v, 'id') ?? '']));
  const parallelism = options.parallelism ?? lab?.start.parallelism;
  const body: Json = {
    ...(parallelism !== undefined ? { parallelism } : {}),
    ...(lab !== null ? { stop_on_failure: lab.start.stopOnFailure } : {}),
    ...(lab?.start.bootTimeoutSeconds !== undefined
      ? { boot_timeout: lab.start.bootTimeoutSeconds }
      : {}),
    ...(lab !== null ? { start_order: { vm: orderBody(lab, idOf) } } : {}),
  };
  const started = await client.call('POST', `/labs/${labId}/start`, body);
  const first = (started.lab_start ?? {}) as Json;
  const total = listOf(first, 'vms.vm').length;
  if (total === 0) {
    progress('nothing to start: every VM of the lab is running');
    return { up: [], failed: [], boots: [] };
  }
  progress(`starting ${total} VM(s), at most ${text(first, 'parallelism') ?? '?'} booting at once`);
  const seen = new Map<string, string>();
  for (;;) {
    const job = await client.call('GET', `/labs/${labId}/start`);
    const rows = listOf(job, 'vms.vm');
    for (const r of rows) {
      const name = text(r, 'name') ?? '';
      const state = text(r, 'state') ?? '';
      if (seen.get(name) === state) continue;
      seen.set(name, state);
      const t0 = timeOf(r, 'start_time');
      const t1 = timeOf(r, 'end_time');
      const detail = text(r, 'detail');
      const count = `[${rows.filter((x) => text(x, 'state') === 'up').length}/${rows.length}]`;
      if (state === 'starting' || state === 'booting') progress(`▸ ${name} ${state}`);
      else if (state === 'up') progress(`✓ ${name} answering after ${seconds(t1 - t0)} ${count}`);
      else if (state === 'failed') progress(`✗ ${name} failed: ${detail ?? ''}`);
      else if (state === 'skipped') progress(`– ${name} not started: ${detail ?? ''}`);
    }
    if (text(job, 'status') === 'finished') {
      return {
        up: rows.filter((r) => text(r, 'state') === 'up').map((r) => text(r, 'name') ?? ''),
        failed: rows
          .filter((r) => text(r, 'state') !== 'up')
          .map((r) => ({
            name: text(r, 'name') ?? '',
            state: text(r, 'state') ?? '',
            detail: text(r, 'detail') ?? '',
          })),
        boots: rows
          .filter((r) => text(r, 'start_time') !== undefined && text(r, 'end_time') !== undefined)
          .map((r) => ({
            name: text(r, 'name') ?? '',
            startedAt: timeOf(r, 'start_time'),
            doneAt: timeOf(r, 'end_time'),
          })),
      };
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
