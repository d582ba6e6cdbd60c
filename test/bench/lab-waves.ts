// SPDX-License-Identifier: Apache-2.0
/**
 * Benchmark 7 (issue 15, starting big labs), through the `aio` CLI's own code (plan, apply,
 * start in waves) against a served engine:
 *  7a. a 12-VM tiny lab to all guests answering: waves of 3 vs all 12 at once (same lab,
 *      stopped in between), with the most VMs the engine had booting at once;
 *  7b. (`--largest-lab N`) the largest tiny lab: N VMs on one isolated network, its time to all
 *      answering and the engine's resident memory meanwhile (sampled every second).
 * "Answering" is the tiny guest's ready line on its serial console, as the engine sees it.
 */
import { EngineClient } from '../../cli/engine/client';
import { LabApplier } from '../../cli/lab/apply';
import { loadLab } from '../../cli/lab/load';
import type { Lab } from '../../cli/lab/model';
import { planLab } from '../../cli/lab/plan';
import { startLab, type StartOutcome } from '../../cli/lab/start';
import { readEngineState } from '../../cli/lab/state';
import { peakBooting } from '../../main/engine/commands/lab/waves';
import { tinyLab } from '../cli/tiny-lab';
import { ADMIN_PASSWORD, type ServedAppliance } from './appliance';
import type { Result } from './bench';
import { benchPrefix } from './lab';

const quiet = (): void => undefined;

async function apply(client: EngineClient, lab: Lab, destroy: boolean): Promise<string | null> {
  const state = await readEngineState(client, lab.cluster, () => true);
  const plan = planLab(lab, state, destroy);
  if (plan.conflicts.length > 0) throw new Error(plan.conflicts.join('; '));
  const applier = new LabApplier(client, lab, state, quiet);
  await applier.run(plan);
  return applier.id;
}

/** Starts the lab with `parallelism`; wall time to all answering and the peak of boots. */
async function timedStart(
  client: EngineClient,
  labId: string,
  lab: Lab,
  parallelism: number,
  onTick?: () => void,
): Promise<{ ms: number; peak: number; outcome: StartOutcome; failed: string }> {
  const t0 = performance.now();
  const timer = onTick === undefined ? undefined : setInterval(onTick, 1000);
  try {
    const outcome = await startLab(client, labId, lab, { parallelism, pollMs: 250 }, quiet);
    // A VM that did not answer is part of the result (all at once, guests can panic).
    const failed = outcome.failed.map((f) => `${f.name}: ${f.detail}`).join('; ');
    if (failed !== '') console.log(`  (${outcome.failed.length} did not answer: ${failed})`);
    return { ms: performance.now() - t0, peak: peakBooting(outcome.boots), outcome, failed };
  } finally {
    if (timer !== undefined) clearInterval(timer);
  }
}

function labOf(text: string): Lab {
  const r = loadLab(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.lab;
}

export async function wavesBench(
  a: ServedAppliance,
  record: (r: Result) => void,
  options: { readonly largest: number | null },
): Promise<void> {
  const client = new EngineClient({
    url: a.origin,
    user: 'admin@internal',
    password: ADMIN_PASSWORD,
  });
  const p = benchPrefix();
  console.log('7a. 12-VM tiny lab to all answering: waves of 3 vs all 12 at once');
  const lab12 = labOf(tinyLab(`bench-${p}`, `${p}w`, p, 12, 3));
  try {
    const id = await apply(client, lab12, false);
    if (id === null) throw new Error('lab not created');
    const waves = await timedStart(client, id, lab12, 3);
    await client.call('POST', `/labs/${id}/stop`, {});
    const all = await timedStart(client, id, lab12, 12);
    await client.call('POST', `/labs/${id}/stop`, {});
    record({
      metric: '12 tiny VMs to all answering, waves of 3',
      value: waves.ms / 1000,
      unit: 's',
      baseline: 'all 12 at once',
      baselineValue: all.ms / 1000,
      ratio: waves.ms / all.ms,
      note:
        `peak booting ${waves.peak} vs ${all.peak}; answering ${waves.outcome.up.length} vs ` +
        `${all.outcome.up.length} of 12`,
    });
  } finally {
    await apply(client, lab12, true).catch((e: unknown) => {
      console.error('7a clean-up:', e);
    });
  }
  if (options.largest === null) {
    console.log('7b skipped: the largest-lab row runs with --largest-lab N (e.g. 60)');
    return;
  }
  const n = options.largest;
  console.log(`7b. largest tiny lab: ${n} VMs on one isolated network`);
  const big = labOf(tinyLab(`bench-big-${p}`, `${p}b`, `${p}b`, n, 4));
  let peakRss = a.residentMiB();
  try {
    const id = await apply(client, big, false);
    if (id === null) throw new Error('lab not created');
    const r = await timedStart(client, id, big, 4, () => {
      peakRss = Math.max(peakRss, a.residentMiB());
    });
    record({
      metric: `${n} tiny VMs on one network to all answering (waves of 4)`,
      value: r.ms / 1000,
      unit: 's',
      note: `peak booting ${r.peak}; answering ${r.outcome.up.length} of ${n}`,
    });
    record({
      metric: `engine resident memory during the ${n}-VM start (peak)`,
      value: peakRss,
      unit: 'MiB',
    });
    await client.call('POST', `/labs/${id}/stop`, {});
  } finally {
    await apply(client, big, true).catch((e: unknown) => {
      console.error('7b clean-up:', e);
    });
  }
}
