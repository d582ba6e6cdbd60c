// SPDX-License-Identifier: Apache-2.0
/**
 * Injected faults (issue 10, "a host or storage error at any step is compensated; unavailable
 * dependencies answer 503/409, never 500, never half-applied"), on a real engine (composed
 * in-process exactly as `npm run serve` does, with the real local host agent), real
 * bridges and libvirtd:
 *
 * - host-step: the host agent fails at step k of a setupNetworks (ApplyHooks in
 *   libvirt/network/apply.ts) — add+attach, setup networks, label, MTU change, remove;
 * - db-lock: another process (a child `node` with better-sqlite3) holds the engine database's
 *   write lock (BEGIN IMMEDIATE) for 0.3–3 s, taken 0–300 ms into a command;
 * - libvirt-down: the engine's libvirt connection goes through a socket relay to libvirtd;
 *   the relay is cut (every connection dropped, the socket gone — to the engine exactly what a
 *   stopped libvirtd looks like) 0–400 ms into a VM start or stop and restored 1–4 s later.
 *   The shared daemon itself is not stopped: other test runs on this machine use it.
 *
 * After each fault: the answer is 2xx, 400 (the host's refusal), 409 or 503 — never another
 * 5xx — and once things settle the host matches the database with no intent left. Markers
 * committed after each survived failure must still be there after a final restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { LocalHostAgent } from '../../libvirt/local-host-agent';
import type { NetStep } from '../../libvirt/network/desired-state';
import { compose, type Composed } from '../../main/compose';
import { ROOT } from '../e2e/support/headless-server';
import { LibvirtRelay } from '../support/libvirt-relay';
import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';
import {
  addNetwork,
  type Api,
  cleanupThroughApi,
  discoverWorld,
  ensureVm,
  freshName,
  inconsistencies,
  type KillCommand,
  killCommands,
  must,
  PASSWORD,
  prng,
  restClient,
  sweepHost,
  type World,
} from './kill';
import type { PartOptions, PartResult } from './types';

const FAMILY = 'hq';

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

/**
 * Another process ready to take the database's write lock: started beforehand (node start-up
 * takes longer than a command), it locks on `take()` and holds for `ms`.
 */
async function lockHolder(
  dbFile: string,
  ms: number,
): Promise<{ take: () => Promise<void>; done: Promise<void> }> {
  const script =
    "const D=require('better-sqlite3');const db=new D(process.argv[1]);" +
    "process.stdout.write('ready\\n');" +
    "process.stdin.once('data',()=>{db.prepare('BEGIN IMMEDIATE').run();process.stdout.write('locked\\n');" +
    "setTimeout(()=>{db.prepare('ROLLBACK').run();db.close();process.exit(0);},Number(process.argv[2]));});";
  const child: ChildProcess = spawn(process.execPath, ['-e', script, dbFile, String(ms)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const line = (want: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const onData = (c: Buffer): void => {
        if (c.toString().includes(want)) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      void done.then(() => {
        reject(new Error(`lock holder exited before '${want}'`));
      });
    });
  await line('ready');
  return {
    take: async () => {
      const locked = line('locked');
      child.stdin?.write('go\n');
      await locked;
    },
    done,
  };
}

/**
 * The network commands of the kill table, faulted here instead of killed (one table: a command
 * added there for the kill rounds is faulted too when it is a network command).
 */
const NETWORK_COMMANDS = new Set(['add+attach', 'setup-networks', 'label', 'mtu-change', 'remove']);
const networkCommands: KillCommand[] = killCommands.filter((c) => NETWORK_COMMANDS.has(c.name));

/** Answers a fault may give; anything else 5xx (or a 500) breaks the promise. */
const ACCEPTABLE = new Set([200, 201, 400, 409, 503]);

/** Poll until host and DB agree (or `ms` passed); returns the last problems. */
async function settle(api: Api, w: World, dataDir: string, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let problems: string[] = [];
  for (;;) {
    try {
      problems = await inconsistencies(api, w, dataDir);
    } catch (e) {
      problems = [`inspection failed: ${String(e)}`];
    }
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await sleep(500);
  }
}

export interface FaultOptions extends PartOptions {
  /** Faults per kind; default full: 50 host-step, 35 db-lock, 15 libvirt-down; short: 2/2/1. */
  counts?: { hostStep: number; dbLock: number; libvirt: number };
}

/** Run the injected faults; see the file comment. */
export async function runFaultInjection(opts: FaultOptions): Promise<PartResult> {
  const counts =
    opts.counts ??
    (opts.full
      ? { hostStep: 50, dbLock: 35, libvirt: 15 }
      : { hostStep: 2, dbLock: 2, libvirt: 1 });
  const random = prng(opts.seed);
  await sweepStale(FAMILY).catch(() => undefined);
  const prefix = claimRunPrefix(FAMILY);
  const scratch = runDir(prefix);
  const dataDir = mkdtempSync(join(scratch, 'engine-'));
  const relay = new LibvirtRelay(join(scratch, 'libvirt-sock'));
  const figures: Record<string, number> = {
    faults: 0,
    'host-step faults': 0,
    'host-step faults hit': 0,
    'db-lock faults': 0,
    'libvirt-down faults': 0,
    '5xx other than 503': 0,
    '503': 0,
    '409': 0,
    '400': 0,
    '2xx': 0,
    'orphans/half states': 0,
    'lost commits': 0,
  };
  const failures: string[] = [];
  const bump = (k: string): void => {
    figures[k] = (figures[k] ?? 0) + 1;
  };
  // Step failure injection: fail step `failAt` of the next setupNetworks.
  const inject: { failAt: number | null; hit: boolean; steps: number } = {
    failAt: null,
    hit: false,
    steps: 0,
  };
  const hooks = {
    beforeStep: (_step: NetStep, index: number): Promise<void> => {
      inject.steps = index + 1;
      if (inject.failAt !== null && index === inject.failAt) {
        inject.failAt = null;
        inject.hit = true;
        return Promise.reject(new Error(`injected failure at step ${index}`));
      }
      return Promise.resolve();
    },
  };
  let app: Composed | null = null;
  const open = async (): Promise<Composed> => {
    mkdirSync(join(dataDir, 'host'), { recursive: true });
    const agent = new LocalHostAgent(
      { stateDir: join(dataDir, 'host'), libvirtUri: relay.uri },
      { applyHooks: hooks },
    );
    return compose({ dataDir, port: 0, adminPassword: PASSWORD, hostAgent: agent });
  };
  const api = restClient(() => app?.origin ?? 'http://127.0.0.1:1');
  const markers: string[] = [];
  const record = (label: string, status: number, text: string, headers?: Headers): void => {
    if (status === 503 && !headers?.get('retry-after'))
      failures.push(`${label}: 503 without a Retry-After header`);
    bump('faults');
    if (status >= 200 && status < 300) bump('2xx');
    else if (String(status) in figures) bump(String(status));
    if (!ACCEPTABLE.has(status)) {
      bump('5xx other than 503');
      failures.push(`${label}: answered ${status}: ${text.slice(0, 300)}`);
    }
  };
  const check = async (label: string, w: World): Promise<void> => {
    const problems = await settle(api, w, dataDir, 20_000);
    if (problems.length > 0) {
      bump('orphans/half states');
      failures.push(`${label}: ${problems.join('; ')}`);
    }
    // A commit after the survived failure: must outlive the final restart.
    const marker = freshName(w, 'k');
    markers.push(await addNetwork(api, w, marker));
  };
  try {
    await relay.up();
    app = await open();
    const w = await discoverWorld(api, prefix);
    const cleanRound = async (): Promise<void> => {
      if (w.vars.net) await api.call('DELETE', `/networks/${w.vars.net}`);
      delete w.vars.net;
    };

    for (let i = 0; i < counts.hostStep; i++) {
      const cmd = networkCommands[i % networkCommands.length] as (typeof networkCommands)[number];
      await cmd.setup(api, w);
      const wanted = Math.floor(random() * 6);
      Object.assign(inject, { failAt: wanted, hit: false, steps: 0 });
      const r = await cmd.run(api, w);
      const hit = inject.hit;
      inject.failAt = null;
      const label = `host-step ${i} ${cmd.name} step ${wanted}${hit ? '' : ` (not reached: ${inject.steps} steps)`}`;
      record(label, r.status, r.text, r.headers);
      if (hit) bump('host-step faults hit');
      if (hit && r.status < 300 && cmd.name !== 'remove')
        failures.push(`${label}: a failed host step answered ${r.status}`);
      bump('host-step faults');
      await check(label, w);
      await cleanRound();
      opts.log(`${label}: ${r.status}`);
    }

    const dbFile = join(dataDir, 'engine.db');
    for (let i = 0; i < counts.dbLock; i++) {
      const cmd = networkCommands[i % networkCommands.length] as (typeof networkCommands)[number];
      await cmd.setup(api, w);
      const offset = Math.floor(random() * 150);
      const hold = 300 + Math.floor(random() * 2700);
      const holder = await lockHolder(dbFile, hold);
      const request = cmd.run(api, w);
      await sleep(offset);
      await holder.take();
      const r = await request;
      await holder.done;
      const label = `db-lock ${i} ${cmd.name} +${offset}ms for ${hold}ms`;
      record(label, r.status, r.text, r.headers);
      bump('db-lock faults');
      await check(label, w);
      await cleanRound();
      opts.log(`${label}: ${r.status}`);
    }

    for (let i = 0; i < counts.libvirt; i++) {
      const vm = await ensureVm(api, w);
      const status = String(
        ((await must(api, 'GET', `/vms/${vm}`)).body?.vm as { status?: string } | undefined)
          ?.status,
      );
      const verb = status === 'down' ? 'start' : 'stop';
      const offset = Math.floor(random() * 400);
      const downFor = 1000 + Math.floor(random() * 3000);
      const request = api.call('POST', `/vms/${vm}/${verb}`, '<action/>');
      await sleep(offset);
      await relay.down();
      const during = await api.call(
        'POST',
        `/vms/${vm}/${verb === 'start' ? 'stop' : 'start'}`,
        '<action/>',
      );
      await sleep(downFor);
      await relay.up();
      const r = await request;
      const label = `libvirt-down ${i} vm ${verb} +${offset}ms for ${downFor}ms`;
      record(label, r.status, r.text, r.headers);
      record(`${label} (request while down)`, during.status, during.text, during.headers);
      bump('libvirt-down faults');
      // The host monitor needs a round (5 s) to see libvirtd back; VM state follows the domain.
      await check(label, w);
      const hostUp = async (): Promise<boolean> =>
        (await must(api, 'GET', `/hosts/${w.hostId}`)).text.includes('<status>up</status>');
      const until = Date.now() + 20_000;
      while (!(await hostUp()) && Date.now() < until) await sleep(500);
      if (!(await hostUp())) failures.push(`${label}: the host did not come back up`);
      opts.log(`${label}: ${r.status} (while down: ${during.status})`);
    }

    // Final restart: every marker committed after a survived fault is still there.
    await cleanupThroughApi(api, `${prefix}v`).catch(() => undefined);
    await app.close();
    app = await open();
    for (const id of markers) {
      const m = await api.call('GET', `/networks/${id}`);
      if (m.status !== 200) {
        bump('lost commits');
        failures.push(`marker ${id} lost after restart (${m.status})`);
      }
    }
  } catch (e) {
    failures.push(
      `fault harness aborted: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
  } finally {
    // libvirtd reachable again no matter what, then nothing of ours left behind.
    await relay.up().catch(() => undefined);
    if (app) {
      await cleanupThroughApi(api, prefix).catch(() => undefined);
      await app.close().catch(() => undefined);
    }
    await relay.down().catch(() => undefined);
    relay.close();
    await sweepHost(prefix);
    rmSync(dataDir, { recursive: true, force: true });
    releaseRunPrefix(prefix);
  }
  return { name: 'faults', figures, failures };
}
