// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench [-- --quick] [--sizes 10,100,1000] [--out bench-results.json]`
 *
 * Measures the appliance side by side with what a user would do without it, in the same run,
 * alternating ours and the baseline so drift of the machine hits both alike:
 *  1. engine cold start to the first 200 of /ovirt-engine/api (fresh data dir), idle RSS, and
 *     where both go (startup.ts);
 *  2. one isolated network deployed through the API vs raw iproute2 vs virsh net-define/start;
 *  3. 10/100/1000 isolated networks: setup time and GET /networks (XML, JSON), per network;
 *  4. a two-VM lab from nothing to both guests answering ping vs a hand-written virsh script;
 *  5. GET /networks/{id} throughput and p50/p99 latency with concurrent clients;
 *  6. storage (storage.ts): thin VM from template vs qemu-img create -b, upload through
 *     /imagetransfers vs cp, a debian-12 VM to its login prompt vs a qemu-img + virsh script;
 *     6d (cloud-init.ts): a debian-12 VM with cloud-init to its SSH banner, read from a probe
 *     on the segment, vs qemu-img + a NoCloud seed + virsh (`--ssh-only` runs just this row).
 *  7. (lab-waves.ts, issue 15) a 12-VM tiny lab started in waves of 3 vs all at once, and with
 *     `--largest-lab N` the N-VM tiny lab's time to all answering and engine memory
 *     (`--waves-only` runs just row 7; `--skip-waves` leaves it out).
 * `--startup-only` runs row 1 alone. `--breakdown-at N` runs row 2b a second time with N networks
 * deployed first (full mode: 200), naming the engine functions whose cost grows with them.
 * Prints a table and writes bench-results.json. Numbers are never asserted.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { releaseRunPrefix, sweepStale } from '../support/run-prefix';
import { ServedAppliance } from './appliance';
import { kernelBridgeDeploy, libvirtNetworkDeploy } from './baselines';
import { deployBreakdown } from './breakdown';
import { sshBench } from './cloud-init';
import {
  benchPrefix,
  clusterId,
  deployIsolatedNetwork,
  removeNetwork,
  removeNetworkRetrying,
} from './lab';
import { apiLab, virshLab } from './lab-vms';
import { wavesBench } from './lab-waves';
import { median, quantile, time } from './measure';
import { coldStart } from './startup';
import { debianTemplate, storageBench } from './storage';

export interface Result {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: string;
  readonly baselineValue?: number;
  /** ours / baseline: above 1 means we take longer (or more). */
  readonly ratio?: number;
  readonly note?: string;
}

const results: Result[] = [];

function record(r: Result): void {
  results.push(r);
  const base =
    r.baseline !== undefined && r.baselineValue !== undefined
      ? `  vs ${r.baseline} ${fmt(r.baselineValue)} ${r.unit}  ratio ${fmt(r.ratio ?? Number.NaN)}`
      : '';
  console.log(`  ${r.metric}: ${fmt(r.value)} ${r.unit}${base}${r.note ? `  (${r.note})` : ''}`);
}

function withBaseline(
  metric: string,
  unit: string,
  ours: number,
  baseline: string,
  theirs: number,
): void {
  record({
    metric,
    value: ours,
    unit,
    baseline,
    baselineValue: theirs,
    ratio: ours / theirs,
  });
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

async function deployOne(a: ServedAppliance, runs: number): Promise<void> {
  console.log(`2. deploy one isolated network, MTU 9000 (${runs} alternating runs)`);
  const cluster = await clusterId(a);
  const ours: number[] = [];
  const kernel: number[] = [];
  const virsh: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `${benchPrefix()}d${i}`;
    const { ms, networkId } = await deployIsolatedNetwork(a, cluster, name, 9000);
    ours.push(ms);
    await removeNetwork(a, cluster, networkId);
    kernel.push(await kernelBridgeDeploy(`${benchPrefix()}k${i}`, 9000));
    virsh.push(await libvirtNetworkDeploy(`${benchPrefix()}v${i}`, 9000));
  }
  withBaseline('deploy via API (median)', 'ms', median(ours), 'ip link', median(kernel));
  withBaseline('deploy via API (median)', 'ms', median(ours), 'virsh net', median(virsh));
}

async function breakdown(runs: number, existing: number): Promise<void> {
  const at = existing > 0 ? ` with ${existing} networks already deployed` : '';
  console.log(
    `2b. where a deploy's time goes (${runs} deploys${at}, profiled engine from sources)`,
  );
  for (const row of await deployBreakdown(runs, existing)) {
    record({
      metric: row.metric,
      value: row.value,
      unit: row.unit,
      ...(row.note !== undefined ? { note: row.note } : {}),
    });
  }
}

async function scale(a: ServedAppliance, sizes: readonly number[]): Promise<void> {
  console.log(`3. scale: ${sizes.join(', ')} isolated networks on one host`);
  const cluster = await clusterId(a);
  for (const n of sizes) {
    const ids: string[] = [];
    const setup = await time(async () => {
      for (let i = 0; i < n; i++) {
        const { networkId } = await deployIsolatedNetwork(
          a,
          cluster,
          `${benchPrefix()}s${i}`,
          1500,
        );
        ids.push(networkId);
      }
    });
    record({ metric: `setup ${n} networks`, value: setup, unit: 'ms' });
    record({ metric: `setup per network at ${n}`, value: setup / n, unit: 'ms' });
    // The reads are the read path's cost, not the drift watch's: give its re-read of the
    // networks just deployed (250 ms after their last kernel event) time to finish first.
    await new Promise((r) => setTimeout(r, 2_000));
    for (const format of ['xml', 'json'] as const) {
      const samples: number[] = [];
      for (let r = 0; r < 5; r++) {
        samples.push(
          await time(async () => {
            const reply = await a.request('GET', '/networks', undefined, format);
            if (reply.status !== 200) throw new Error(`GET /networks → ${reply.status}`);
          }),
        );
      }
      record({ metric: `GET /networks ${format} at ${n}`, value: median(samples), unit: 'ms' });
      record({
        metric: `GET /networks ${format} per network at ${n}`,
        value: (median(samples) * 1000) / n,
        unit: 'µs',
      });
    }
    // Not timed: removed 10 at a time (their detaches share host turns) to keep the run short.
    for (let i = 0; i < ids.length; i += 10)
      await Promise.all(ids.slice(i, i + 10).map((id) => removeNetworkRetrying(a, cluster, id)));
  }
}

async function lab(a: ServedAppliance): Promise<void> {
  console.log('4. two-VM lab from nothing to both guests answering ping');
  const ours = await apiLab(a);
  const theirs = await virshLab();
  withBaseline('two-VM lab via API', 'ms', ours, 'virsh script', theirs);
}

async function reads(a: ServedAppliance, clients: number, seconds: number): Promise<void> {
  console.log(`5. GET /networks/{id} with ${clients} concurrent clients for ${seconds} s`);
  const cluster = await clusterId(a);
  const { networkId } = await deployIsolatedNetwork(a, cluster, `${benchPrefix()}r`, 1500);
  try {
    for (const format of ['xml', 'json'] as const) {
      const latencies: number[] = [];
      const deadline = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            latencies.push(
              await time(async () => {
                const r = await a.request('GET', `/networks/${networkId}`, undefined, format);
                if (r.status !== 200) throw new Error(`GET → ${r.status}`);
              }),
            );
          }
        }),
      );
      record({
        metric: `GET /networks/{id} ${format} throughput`,
        value: latencies.length / seconds,
        unit: 'req/s',
      });
      record({
        metric: `GET /networks/{id} ${format} p50`,
        value: quantile(latencies, 0.5),
        unit: 'ms',
      });
      record({
        metric: `GET /networks/{id} ${format} p99`,
        value: quantile(latencies, 0.99),
        unit: 'ms',
      });
    }
  } finally {
    await removeNetwork(a, cluster, networkId);
  }
}

/** 6d (cloud-init.ts): debian-12 to its SSH banner; boots, so only with `boot`. */
async function sshRow(a: ServedAppliance, boot: boolean): Promise<void> {
  if (!boot) {
    console.log(
      '6d skipped (quick mode or --skip-boot): the full bench boots debian-12 once each side',
    );
    return;
  }
  const template = await debianTemplate(a);
  if (template === null) {
    console.log('6d skipped: no template debian-12 (the image is not built: npm run setup)');
    return;
  }
  await sshBench(a, template, record);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      out: { type: 'string', default: 'bench-results.json' },
      'skip-lab': { type: 'boolean', default: false },
      'skip-storage': { type: 'boolean', default: false },
      /** The debian-12 boot rows (6c) run in the full bench only, unless --boot. */
      'skip-boot': { type: 'boolean', default: false },
      boot: { type: 'boolean', default: false },
      /** Only row 6d (debian-12 to its SSH banner, two boots): nothing else is measured. */
      'ssh-only': { type: 'boolean', default: false },
      /** Only row 1 (cold start, idle memory and where they go). */
      'startup-only': { type: 'boolean', default: false },
      /** Row 7 (issue 15): lab start in waves; the largest-lab row only with a size. */
      'skip-waves': { type: 'boolean', default: false },
      'waves-only': { type: 'boolean', default: false },
      'largest-lab': { type: 'string' },
      /** Row 2b again with this many networks deployed first (full mode: 200; 0 = not). */
      'breakdown-at': { type: 'string' },
    },
  });
  const quick = values.quick;
  const sizes = (values.sizes ?? (quick ? '10' : '10,100,1000')).split(',').map(Number);
  const breakdownAt = Number(values['breakdown-at'] ?? (quick ? '0' : '200'));
  await sweepStale('bn').catch(() => undefined);
  console.log(`bench (${quick ? 'quick' : 'full'} mode) on ${new Date().toISOString()}`);
  const boot = values.boot || (!quick && !values['skip-boot']);
  const allRows = async (a: ServedAppliance): Promise<void> => {
    await deployOne(a, quick ? 2 : 5);
    await breakdown(quick ? 2 : 5, 0);
    // What grows with the number of networks (row 3's per-network cost), by function.
    if (breakdownAt > 0) await breakdown(quick ? 2 : 5, breakdownAt);
    await scale(a, sizes);
    if (values['skip-lab']) console.log('4. two-VM lab skipped (--skip-lab)');
    else await lab(a);
    await reads(a, quick ? 4 : 16, quick ? 1 : 5);
    if (values['skip-storage']) console.log('6. storage skipped (--skip-storage)');
    else {
      await storageBench(a, { quick, boot }, record);
      await sshRow(a, boot);
    }
  };
  const sshOnly = values['ssh-only'];
  const wavesOnly = values['waves-only'];
  const largest = values['largest-lab'] === undefined ? null : Number(values['largest-lab']);
  const waves = async (a: ServedAppliance): Promise<void> => {
    if (values['skip-waves'] || (!boot && !wavesOnly))
      console.log('7. lab start in waves skipped (--skip-waves, quick mode or --skip-boot)');
    else await wavesBench(a, record, { largest });
  };
  if (!sshOnly && !wavesOnly) await coldStart(quick ? 2 : 5, record);
  if (!values['startup-only']) {
    const a = await ServedAppliance.spawn();
    try {
      await a.waitUntilServing();
      if (sshOnly) await sshRow(a, true);
      else if (wavesOnly) await waves(a);
      else {
        await allRows(a);
        await waves(a);
      }
    } finally {
      await a.stop();
    }
  }
  releaseRunPrefix(benchPrefix());
  writeFileSync(
    values.out,
    `${JSON.stringify({ date: new Date().toISOString(), quick, results }, null, 2)}\n`,
  );
  console.log(`\n| metric | value | unit | baseline | baseline value | ratio |`);
  console.log(`| --- | ---: | --- | --- | ---: | ---: |`);
  for (const r of results) {
    console.log(
      `| ${r.metric} | ${fmt(r.value)} | ${r.unit} | ${r.baseline ?? ''} | ${
        r.baselineValue !== undefined ? fmt(r.baselineValue) : ''
      } | ${r.ratio !== undefined ? fmt(r.ratio) : ''} |`,
    );
  }
  console.log(`\nwrote ${values.out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
