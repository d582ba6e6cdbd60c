// SPDX-License-Identifier: Apache-2.0
/**
 * Where the time of a network deploy goes (issue 14: "print where the remaining time goes so
 * the next step is obvious"). A separate engine runs from the TypeScript sources (so profile
 * frames keep their module names) under `--cpu-prof`, with `strace -f -e trace=execve` attached
 * when strace is installed; `runs` isolated networks are deployed and removed through the API.
 * Reported per deploy: wall time; forked processes and the wall time they ran (strace); engine
 * CPU in SQLite (better-sqlite3 + drizzle + db/), HTTP (node:http + main/api), spawning children
 * (child_process + libvirt/exec.ts) and other JavaScript; and the rest — waiting for children,
 * the kernel and the client. Numbers only; nothing is asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ADMIN_PASSWORD, freePort, ServedAppliance } from './appliance';
import {
  benchPrefix,
  clusterId,
  deployIsolatedNetwork,
  removeNetwork,
  removeNetworkRetrying,
} from './lab';
import { median } from './measure';

const ROOT = resolve(import.meta.dirname, '../..');

/** One row of the breakdown (ms per deploy unless `unit` says otherwise). */
export interface BreakdownRow {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

type Category = 'sqlite' | 'http' | 'spawn' | 'idle' | 'other';

/**
 * The category of a stack (leaf first): decided by the innermost frame that has a source (a
 * native call such as a prepared statement's `run` belongs to whoever called it); a frame deep
 * in a transaction callback is not SQLite's time.
 */
export function categorize(stack: readonly { functionName: string; url: string }[]): Category {
  const leaf = stack[0];
  if (leaf && ['(idle)', '(program)', '(garbage collector)'].includes(leaf.functionName))
    return leaf.functionName === '(garbage collector)' ? 'other' : 'idle';
  const f = stack.find((x) => x.url !== '');
  const u = f?.url ?? '';
  if (/better-sqlite3|drizzle-orm|\/db\/(client|repos)/.test(u)) return 'sqlite';
  if (/child_process|\/libvirt\/exec\.ts/.test(u)) return 'spawn';
  if (/node:_http|node:http|_http_|\/main\/api\//.test(u)) return 'http';
  return 'other';
}

/** CPU milliseconds per category in a `--cpu-prof` profile, restricted to [from, to] (µs). */
export function profileBreakdown(
  profile: Profile,
  from = -Infinity,
  to = Infinity,
): Record<Category, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Category>();
  const categoryOf = (id: number): Category => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const stack: { functionName: string; url: string }[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (node) stack.push(node.callFrame);
    }
    const c = categorize(stack);
    memo.set(id, c);
    return c;
  };
  const out: Record<Category, number> = { sqlite: 0, http: 0, spawn: 0, idle: 0, other: 0 };
  let t = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) continue;
    out[categoryOf(id)] += dt / 1000;
  }
  return out;
}

/** One function's own CPU time (ms) in a profile window, with where it lives. */
export interface HotFunction {
  readonly name: string;
  readonly where: string;
  readonly ms: number;
}

/**
 * The `top` functions by self time in [from, to] (µs), idle and program excluded: what the
 * engine's own CPU is spent on, by name, so the next step is obvious.
 */
export function hotFunctions(profile: Profile, from: number, to: number, top = 8): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, HotFunction>();
  let t = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) continue;
    const frame = byId.get(id)?.callFrame;
    if (!frame || ['(idle)', '(program)'].includes(frame.functionName)) continue;
    const where = frame.url.replace(/^.*\/(node_modules\/[^/]+|[^/]+\/[^/]+)\//, '$1/');
    const key = `${frame.functionName}@${frame.url}`;
    const was = self.get(key);
    self.set(key, {
      name: frame.functionName || '(anonymous)',
      where,
      ms: (was?.ms ?? 0) + dt / 1000,
    });
  }
  return [...self.values()].sort((a, b) => b.ms - a.ms).slice(0, top);
}

/** Forks and the wall time of the forked processes, from `strace -f -tt -e trace=execve,exit_group`. */
export function straceForks(text: string): { forks: number; childMs: number; commands: string[] } {
  const started = new Map<string, number>();
  const commands: string[] = [];
  let childMs = 0;
  const seconds = (ts: string): number => {
    const [h, m, s] = ts.split(':').map(Number);
    return ((h ?? 0) * 60 + (m ?? 0)) * 60 + (s ?? 0);
  };
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(\d+:\d+:\d+\.\d+) (.*)$/.exec(line);
    if (!m) continue;
    const [, pid = '', ts = '', rest = ''] = m;
    const exec = /^execve\("[^"]*", \[([^\]]*)\]/.exec(rest);
    if (exec && !rest.includes('= -1')) {
      if (!started.has(pid)) started.set(pid, seconds(ts));
      commands.push((exec[1] ?? '').replace(/"/g, '').replace(/, /g, ' ').slice(0, 60));
      continue;
    }
    if (rest.startsWith('+++ exited') && started.has(pid)) {
      childMs += (seconds(ts) - (started.get(pid) ?? 0)) * 1000;
      started.delete(pid);
    }
  }
  return { forks: commands.length, childMs, commands };
}

/** "ip -batch - ×2, qemu-img info ×0.4": forked commands (first two words) per run. */
function forkCounts(commands: readonly string[], runs: number): string {
  const counts = new Map<string, number>();
  for (const c of commands) {
    const key = c.split(' ').slice(0, 3).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${(n / runs).toFixed(1)}`)
    .join(', ');
}

/** The served engine from sources, under the CPU profiler. */
async function spawnProfiled(profileDir: string): Promise<{ a: ServedAppliance }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'aio-bench-data-'));
  const child = spawn(
    process.execPath,
    [
      '--cpu-prof',
      '--cpu-prof-dir',
      profileDir,
      '--import',
      'tsx',
      join(ROOT, 'main/headless.ts'),
      '--data-dir',
      dataDir,
      '--listen',
      `127.0.0.1:${port}`,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, AIO_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  const a = ServedAppliance.attach(`http://127.0.0.1:${port}`, child, dataDir);
  return { a };
}

/** Deploy `n` networks, 10 at a time (their attaches share host turns); returns their ids. */
async function fill(a: ServedAppliance, cluster: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const chunk = Array.from({ length: Math.min(10, n - i) }, (_, j) => i + j);
    ids.push(
      ...(await Promise.all(
        chunk.map(
          async (k) =>
            (await deployIsolatedNetwork(a, cluster, `${benchPrefix()}f${k}`, 1500)).networkId,
        ),
      )),
    );
  }
  return ids;
}

/** Remove what {@link fill} deployed, 10 at a time. */
async function unfill(a: ServedAppliance, cluster: string, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(ids.slice(i, i + 10).map((id) => removeNetworkRetrying(a, cluster, id)));
  }
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}

/**
 * Deploy `runs` networks on a profiled engine and return the breakdown rows (per deploy).
 * With `existing`, that many networks are deployed first (concurrently, so the engine applies
 * them in few turns) and the profiled deploys show what grows with the number of networks.
 * HTTP round trip of an authenticated no-op GET is measured too (what each API call costs
 * before any rule runs).
 */
export async function deployBreakdown(runs: number, existing = 0): Promise<BreakdownRow[]> {
  const profileDir = mkdtempSync(join(tmpdir(), 'aio-bench-prof-'));
  const { a } = await spawnProfiled(profileDir);
  let strace: ChildProcess | null = null;
  const straceFile = join(profileDir, 'strace.txt');
  const rows: BreakdownRow[] = [];
  try {
    await a.waitUntilServing();
    const cluster = await clusterId(a);
    // Warm up (first deploy starts the host fact monitor and reads everything once).
    const warm = await deployIsolatedNetwork(a, cluster, `${benchPrefix()}w`, 9000);
    await removeNetwork(a, cluster, warm.networkId);
    const filled = await fill(a, cluster, existing);
    const noop: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await a.request('GET', '');
      noop.push(performance.now() - t);
    }
    if (existsSync('/usr/bin/strace') && a.process.pid !== undefined) {
      strace = spawn(
        '/usr/bin/strace',
        [
          '-f',
          '-tt',
          '-e',
          'trace=execve,exit_group',
          '-o',
          straceFile,
          '-p',
          String(a.process.pid),
        ],
        { stdio: 'ignore' },
      );
      await new Promise((r) => setTimeout(r, 500));
    }
    const wallFrom = (performance.timeOrigin + performance.now()) * 1000;
    const deploys: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { ms, networkId } = await deployIsolatedNetwork(
        a,
        cluster,
        `${benchPrefix()}p${i}`,
        9000,
      );
      deploys.push(ms);
      await removeNetwork(a, cluster, networkId);
    }
    const wallTo = (performance.timeOrigin + performance.now()) * 1000;
    const toPerf = performance.now();
    // With networks present: where a `GET /networks` of all of them goes (row 3's read).
    const gets: number[] = [];
    const getFrom = performance.now();
    for (let i = 0; existing > 0 && i < 10; i++) {
      const t = performance.now();
      const reply = await a.request('GET', '/networks');
      if (reply.status !== 200) throw new Error(`GET /networks → ${reply.status}`);
      gets.push(performance.now() - t);
    }
    const getTo = performance.now();
    if (strace) await stopProcess(strace);
    await unfill(a, cluster, filled);
    await stopProcess(a.process);
    // The profile ends where the engine exited: a moment of ours maps to the profile's clock
    // by its distance from that exit.
    const exitPerf = performance.now();
    // The main thread's profile (tsx's loader thread writes a small one beside it).
    const file = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort((x, y) => statSync(join(profileDir, y)).size - statSync(join(profileDir, x)).size)[0];
    const per = (x: number): number => x / runs;
    rows.push({
      metric: `deploy+remove wall (median deploy)${existing > 0 ? ` with ${existing} networks` : ''}`,
      value: median(deploys),
      unit: 'ms',
    });
    rows.push({
      metric: 'HTTP round trip, authenticated no-op GET (median)',
      value: median(noop),
      unit: 'ms',
    });
    if (strace) {
      const f = straceForks(readFileSync(straceFile, 'utf8'));
      rows.push({ metric: 'forked processes per deploy+remove', value: per(f.forks), unit: '' });
      rows.push({
        metric: 'wall time of forked processes per deploy+remove',
        value: per(f.childMs),
        unit: 'ms',
        note: `under strace; per deploy+remove: ${forkCounts(f.commands, runs)}`,
      });
    } else {
      // Rows hold numbers only (the bench test checks that): say it instead.
      console.log('  (forks not counted: strace is not installed)');
    }
    if (file !== undefined) {
      const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile;
      // The profile's clock is the engine's monotonic clock, not ours (see exitPerf).
      const onProfile = (perf: number): number => profile.endTime - (exitPerf - perf) * 1000;
      const end = onProfile(toPerf);
      const b = profileBreakdown(profile, end - (wallTo - wallFrom), end);
      const at = existing > 0 ? ` with ${existing} networks` : '';
      for (const [k, v] of Object.entries(b)) {
        rows.push({ metric: `engine CPU: ${k} per deploy+remove${at}`, value: per(v), unit: 'ms' });
      }
      for (const f of hotFunctions(profile, end - (wallTo - wallFrom), end, 6)) {
        rows.push({
          metric: `engine CPU, own time of ${f.name} (${f.where}) per deploy+remove${at}`,
          value: per(f.ms),
          unit: 'ms',
        });
      }
      if (gets.length > 0) {
        rows.push({
          metric: `GET /networks xml with ${existing} networks (median, profiled engine)`,
          value: median(gets),
          unit: 'ms',
        });
        const g = profileBreakdown(profile, onProfile(getFrom), onProfile(getTo));
        for (const [k, v] of Object.entries(g)) {
          rows.push({
            metric: `engine CPU: ${k} per GET /networks with ${existing} networks (http = main/api incl. XML)`,
            value: v / gets.length,
            unit: 'ms',
          });
        }
      }
    }
  } finally {
    if (strace) await stopProcess(strace);
    await a.stop();
    // AIO_BENCH_KEEP_PROFILE=1 keeps the .cpuprofile (open it in Chrome's DevTools) and strace log.
    if (process.env.AIO_BENCH_KEEP_PROFILE === '1')
      console.log(`  (profile kept in ${profileDir})`);
    else rmSync(profileDir, { recursive: true, force: true });
  }
  return rows;
}
