// SPDX-License-Identifier: Apache-2.0
/**
 * Kill rounds (issue 10, "every command survives a kill at any point"): a real headless
 * engine process (test/e2e/support/headless-server.ts) on a real data dir, real libvirtd,
 * real bridges. Each round commits a marker, fires one command over REST, kills the engine
 * with SIGKILL at a random moment (0–500 ms) or at an instrumented point (its intent row just
 * committed, its bridge just appeared, its domain just appeared), restarts it and checks:
 * start-up succeeded, no intent left, the host matches the database (no orphan, missing or
 * half-configured bridge or domain, compared through `ip -json link`, `virsh` and the REST
 * API), and the marker is still there (no lost commit).
 *
 * Table-driven: a new command is one entry in {@link killCommands} (setup + the REST call +
 * the instrumented points that make sense for it). The storage commands (kill-storage.ts) add
 * the point `partial` (a `.partial` file appeared: a copy is under way) and their own checks
 * (nothing stays locked, an `ok` disk has its files and passes `qemu-img check`, no orphan or
 * `.partial` file in the storage domain).
 *
 * `AIO_KILL_ROUNDS=n` and `AIO_KILL_COMMANDS=a,b` (names in the table) narrow a run, e.g.
 * `AIO_KILL_COMMANDS=disk-add,upload-finalize npm run adversarial -- --full --only kill`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';

import { run, runJson } from '../../libvirt/exec';
import { type HeadlessServer, startHeadlessServer } from '../e2e/support/headless-server';
import { entity, httpRequest, items, parseXmlDoc, type Reply } from '../functional/support';
import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';
import {
  partialExists,
  STORAGE_KILL_COMMANDS,
  storageFigures,
  storageInconsistencies,
  storageKillCommands,
} from './kill-storage';
import type { PartOptions, PartResult } from './types';

export const PASSWORD = 'adv-Recovery-Secret!';
const API = '/ovirt-engine/api';
const FAMILY = 'hk';

// ── REST client ────────────────────────────────────────────────────────────────────────

/** A REST client for one engine origin (basic auth, XML). */
export interface Api {
  call(method: string, path: string, body?: string): Promise<Reply>;
}

export function restClient(origin: () => string, password = PASSWORD): Api {
  const basic = `Basic ${Buffer.from(`admin@internal:${password}`).toString('base64')}`;
  return {
    async call(method, path, body) {
      const headers: Record<string, string> = {
        Accept: 'application/xml',
        Authorization: basic,
        ...(body !== undefined ? { 'Content-Type': 'application/xml' } : {}),
      };
      const res = await httpRequest(`${origin()}${API}${path}`, method, headers, body);
      const type = res.headers.get('content-type') ?? '';
      const parsed = res.text.trim() !== '' && type.includes('xml') ? parseXmlDoc(res.text) : null;
      return { status: res.status, headers: res.headers, text: res.text, body: parsed };
    },
  };
}

/** Call and insist on a 2xx answer (set-up steps must work). */
export async function must(api: Api, method: string, path: string, body?: string): Promise<Reply> {
  const r = await api.call(method, path, body);
  if (r.status < 200 || r.status > 299)
    throw new Error(`${method} ${path} → ${r.status}: ${r.text.slice(0, 300)}`);
  return r;
}

// ── The world a round works in ─────────────────────────────────────────────────────────

export interface World {
  readonly prefix: string;
  readonly hostId: string;
  readonly clusterId: string;
  /** Host-level label present on the host (for label rounds). */
  readonly label: string;
  /** Filled by set-up steps: ids the command works on. */
  vars: Record<string, string>;
}

export async function discoverWorld(api: Api, prefix: string): Promise<World> {
  const hosts = await must(api, 'GET', '/hosts');
  const hostId = String(items(hosts.body, 'hosts', 'host')[0]?.id);
  const clusters = await must(api, 'GET', `/clusters?search=${encodeURIComponent('name=Default')}`);
  const clusterId = String(items(clusters.body, 'clusters', 'cluster')[0]?.id);
  const label = `${prefix}lbl`;
  const labels = await must(api, 'GET', `/hosts/${hostId}/networklabels`);
  if (!items(labels.body, 'network_labels', 'network_label').some((l) => l.id === label))
    await must(api, 'POST', `/hosts/${hostId}/networklabels`, `<network_label id="${label}"/>`);
  return { prefix, hostId, clusterId, label, vars: {} };
}

let counter = 0;
/** A fresh bridge-safe name with the run prefix (≤ 15 characters). */
export const freshName = (w: World, tag: string): string =>
  `${w.prefix}${tag}${(counter++).toString(36)}`.slice(0, 15);

/** Add a network (isolated: deployed NIC-less when attached to the cluster). */
export async function addNetwork(
  api: Api,
  w: World,
  name: string,
  opts: { isolated?: boolean; mtu?: number } = {},
): Promise<string> {
  const r = await must(
    api,
    'POST',
    '/networks',
    `<network><name>${name}</name><data_center><name>Default</name></data_center>${opts.isolated ? '<isolated>true</isolated>' : ''}${opts.mtu ? `<mtu>${opts.mtu}</mtu>` : ''}</network>`,
  );
  return String(entity(r.body, 'network').id);
}

export async function attachToCluster(
  api: Api,
  w: World,
  networkId: string,
  required = true,
): Promise<Reply> {
  return api.call(
    'POST',
    `/clusters/${w.clusterId}/networks`,
    `<network id="${networkId}">${required ? '' : '<required>false</required>'}</network>`,
  );
}

/** A killable command: set-up (committed before the marker), then one REST call. */
export interface KillCommand {
  readonly name: string;
  setup(api: Api, w: World): Promise<void>;
  run(api: Api, w: World): Promise<Reply>;
  /** Instrumented kill points that make sense (besides a random delay). */
  readonly points: readonly KillPoint[];
  /** VM rounds cost a QEMU start: the full run does fewer of them. */
  readonly weight?: number;
}

export type KillPoint = 'intent' | 'bridge' | 'domain' | 'partial';

/** One VM (tiny, one vNIC on an isolated network) reused by the VM rounds. */
export async function ensureVm(api: Api, w: World): Promise<string> {
  if (w.vars.vm) return w.vars.vm;
  const net = freshName(w, 'v');
  const netId = await addNetwork(api, w, net, { isolated: true });
  await must(api, 'POST', `/clusters/${w.clusterId}/networks`, `<network id="${netId}"/>`);
  const profiles = await must(api, 'GET', `/networks/${netId}/vnicprofiles`);
  const profileId = String(items(profiles.body, 'vnic_profiles', 'vnic_profile')[0]?.id);
  const vm = await must(
    api,
    'POST',
    '/vms',
    `<vm><memory>${String(128 * 1024 * 1024)}</memory><name>${w.prefix}vm</name><cluster><name>Default</name></cluster><template><name>tiny</name></template></vm>`,
  );
  const id = String(entity(vm.body, 'vm').id);
  await must(
    api,
    'POST',
    `/vms/${id}/nics`,
    `<nic><interface>virtio</interface><name>nic1</name><vnic_profile id="${profileId}"/></nic>`,
  );
  w.vars.vm = id;
  return id;
}

async function vmStatus(api: Api, id: string): Promise<string> {
  return String(entity((await must(api, 'GET', `/vms/${id}`)).body, 'vm').status);
}

/** The commands the kill rounds cover. New commands (disks, snapshots): one entry here. */
export const killCommands: KillCommand[] = [
  {
    name: 'add+attach',
    points: ['intent', 'bridge'],
    async setup(api, w) {
      w.vars.net = await addNetwork(api, w, freshName(w, 'a'), {
        isolated: true,
        mtu: 1400 + Math.floor(Math.random() * 8000),
      });
    },
    run: (api, w) => attachToCluster(api, w, w.vars.net ?? ''),
  },
  {
    name: 'setup-networks',
    points: ['intent', 'bridge'],
    async setup(api, w) {
      const name = freshName(w, 's');
      w.vars.net = await addNetwork(api, w, name);
      w.vars.netName = name;
      await must(
        api,
        'POST',
        `/clusters/${w.clusterId}/networks`,
        `<network id="${w.vars.net}"><required>false</required></network>`,
      );
    },
    run: (api, w) =>
      api.call(
        'POST',
        `/hosts/${w.hostId}/setupnetworks`,
        `<action><modified_network_attachments><network_attachment><network><name>${w.vars.netName}</name></network></network_attachment></modified_network_attachments></action>`,
      ),
  },
  {
    name: 'label',
    points: ['intent', 'bridge'],
    async setup(api, w) {
      w.vars.net = await addNetwork(api, w, freshName(w, 'l'));
      await must(
        api,
        'POST',
        `/clusters/${w.clusterId}/networks`,
        `<network id="${w.vars.net}"><required>false</required></network>`,
      );
    },
    run: (api, w) =>
      api.call('POST', `/networks/${w.vars.net}/networklabels`, `<network_label id="${w.label}"/>`),
  },
  {
    name: 'mtu-change',
    points: ['intent'],
    async setup(api, w) {
      w.vars.net = await addNetwork(api, w, freshName(w, 'm'), { isolated: true, mtu: 1500 });
      await must(api, 'POST', `/clusters/${w.clusterId}/networks`, `<network id="${w.vars.net}"/>`);
    },
    run: (api, w) =>
      api.call(
        'PUT',
        `/networks/${w.vars.net}`,
        `<network><mtu>${2000 + Math.floor(Math.random() * 7000)}</mtu></network>`,
      ),
  },
  {
    name: 'address-plan',
    points: ['intent'],
    async setup(api, w) {
      w.vars.net = await addNetwork(api, w, freshName(w, 'p'), { isolated: true });
      await must(api, 'POST', `/clusters/${w.clusterId}/networks`, `<network id="${w.vars.net}"/>`);
    },
    // DHCP/DNS on the segment: a namespace with dnsmasq joined to the bridge (issue 12).
    run: (api, w) => {
      const net = `10.${String(100 + Math.floor(Math.random() * 100))}.${String(Math.floor(Math.random() * 250))}`;
      return api.call(
        'PUT',
        `/networks/${w.vars.net}`,
        `<network><address_plan><subnet><cidr>${net}.0/24</cidr><ip_version>v4</ip_version></subnet><dhcp_range><start>${net}.100</start><end>${net}.199</end></dhcp_range></address_plan></network>`,
      );
    },
  },
  {
    name: 'remove',
    points: ['intent'],
    async setup(api, w) {
      w.vars.net = await addNetwork(api, w, freshName(w, 'r'), { isolated: true });
      await must(api, 'POST', `/clusters/${w.clusterId}/networks`, `<network id="${w.vars.net}"/>`);
    },
    run: (api, w) => api.call('DELETE', `/networks/${w.vars.net}`),
  },
  {
    name: 'vm-run',
    points: ['intent', 'domain'],
    weight: 0.5,
    async setup(api, w) {
      const id = await ensureVm(api, w);
      if ((await vmStatus(api, id)) !== 'down')
        await must(api, 'POST', `/vms/${id}/stop`, '<action/>');
    },
    run: (api, w) => api.call('POST', `/vms/${w.vars.vm}/start`, '<action/>'),
  },
  {
    name: 'vm-stop',
    points: ['intent'],
    weight: 0.5,
    async setup(api, w) {
      const id = await ensureVm(api, w);
      if ((await vmStatus(api, id)) === 'down')
        await must(api, 'POST', `/vms/${id}/start`, '<action/>');
    },
    run: (api, w) => api.call('POST', `/vms/${w.vars.vm}/stop`, '<action/>'),
  },
];

/** The run's scratch directory (the storage rounds keep their source image there). */
let scratchDir = '';
killCommands.push(...storageKillCommands(must, () => scratchDir));

// ── Host and database inspection ───────────────────────────────────────────────────────

interface Link {
  ifname: string;
  mtu: number;
  flags?: string[];
  linkinfo?: { info_kind?: string };
}

/** Bridges on the host whose names start with `prefix`. */
export async function hostBridges(prefix: string): Promise<Map<string, Link>> {
  const links = (await runJson('ip', ['-d', '-json', 'link', 'show', 'type', 'bridge'])) as Link[];
  return new Map(links.filter((l) => l.ifname.startsWith(prefix)).map((l) => [l.ifname, l]));
}

/** Domains (name → running?) whose names start with `prefix`. */
export async function hostDomains(prefix: string): Promise<Map<string, boolean>> {
  const names = async (extra: string[]): Promise<string[]> =>
    (await run('virsh', ['-c', 'qemu:///system', 'list', '--name', ...extra])).stdout
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s.startsWith(prefix));
  const running = new Set(await names([]));
  return new Map((await names(['--all'])).map((n) => [n, running.has(n)]));
}

/**
 * Segment services (DHCP/DNS, issue 12) match the DB: an attached network with an enabled
 * address plan has its namespace with dnsmasq running in it; no other network of the run has
 * a namespace.
 */
async function segmentInconsistencies(
  networks: readonly Record<string, unknown>[],
  attached: ReadonlyMap<string, unknown>,
  prefix: string,
): Promise<string[]> {
  const problems: string[] = [];
  const list = ((await runJson('ip', ['-json', 'netns', 'list'])) ?? []) as { name: string }[];
  const namespaces = new Set(list.map((n) => n.name).filter((n) => n.startsWith('aio-seg-')));
  const served = new Set<string>();
  for (const n of networks) {
    const raw = n.vdsm_name ?? n.name;
    const vdsm = typeof raw === 'string' ? raw : '';
    if (!vdsm.startsWith(prefix) || !attached.has(vdsm)) continue;
    const plan = n.address_plan as { enabled?: unknown } | undefined;
    if (plan === undefined || String(plan.enabled) === 'false') continue;
    served.add(vdsm);
    const ns = `aio-seg-${vdsm}`;
    if (!namespaces.has(ns)) {
      problems.push(`network ${vdsm}: address plan in the DB, no segment namespace`);
      continue;
    }
    const pids = (await run('ip', ['netns', 'pids', ns])).stdout.trim();
    if (pids === '') problems.push(`network ${vdsm}: segment namespace without dnsmasq`);
  }
  for (const ns of namespaces) {
    const vdsm = ns.slice('aio-seg-'.length);
    if (vdsm.startsWith(prefix) && !served.has(vdsm))
      problems.push(`orphan segment namespace ${ns} (no address plan in the DB)`);
  }
  return problems;
}

/** Rows left in `command_intent` (read-only connection). */
export function intentRows(dataDir: string): number {
  const db = new BetterSqlite3(join(dataDir, 'engine.db'), { readonly: true, timeout: 5000 });
  try {
    return (db.prepare('SELECT count(*) AS n FROM command_intent').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Everything wrong between host and database for objects named with `prefix`: orphan,
 * missing or half-configured bridges, domains not matching VM statuses, out-of-sync
 * attachments, intents left behind. Empty when consistent.
 */
export async function inconsistencies(api: Api, w: World, dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const networks = items((await must(api, 'GET', '/networks')).body, 'networks', 'network');
  const byId = new Map(networks.map((n) => [String(n.id), n]));
  const atts = items(
    (await must(api, 'GET', `/hosts/${w.hostId}/networkattachments`)).body,
    'network_attachments',
    'network_attachment',
  );
  const wanted = new Map<string, { mtu: number; inSync: boolean }>();
  for (const a of atts) {
    const n = byId.get(String((a.network as { id?: string } | undefined)?.id));
    const raw = n?.vdsm_name ?? n?.name;
    const vdsm = typeof raw === 'string' ? raw : '';
    if (!vdsm.startsWith(w.prefix)) continue;
    const mtu = Number(n?.mtu ?? 0);
    wanted.set(vdsm, { mtu: mtu === 0 ? 1500 : mtu, inSync: String(a.in_sync) === 'true' });
  }
  const bridges = await hostBridges(w.prefix);
  for (const [name, want] of wanted) {
    const b = bridges.get(name);
    if (!b) problems.push(`missing bridge ${name} (attached in the DB)`);
    else {
      if (b.mtu !== want.mtu) problems.push(`bridge ${name}: MTU ${b.mtu}, DB ${want.mtu}`);
      if (!(b.flags ?? []).includes('UP')) problems.push(`bridge ${name} is down`);
    }
    if (!want.inSync) problems.push(`attachment of ${name} is out of sync`);
  }
  for (const name of bridges.keys())
    if (!wanted.has(name)) problems.push(`orphan bridge ${name} (not attached in the DB)`);
  problems.push(...(await segmentInconsistencies(networks, wanted, w.prefix)));

  const vms = items((await must(api, 'GET', '/vms')).body, 'vms', 'vm').filter((v) =>
    String(v.name).startsWith(w.prefix),
  );
  const domains = await hostDomains(w.prefix);
  const known = new Set<string>();
  for (const v of vms) {
    const domain = `${String(v.name)}-${String(v.id).slice(0, 8)}`;
    known.add(domain);
    const running = domains.get(domain) ?? false;
    const status = String(v.status);
    if (running && status === 'down') problems.push(`domain ${domain} runs, VM is down in the DB`);
    if (!running && status !== 'down')
      problems.push(`VM ${String(v.name)} is ${status}, no domain runs`);
  }
  for (const [d, running] of domains)
    if (running && !known.has(d)) problems.push(`orphan domain ${d}`);
  const left = intentRows(dataDir);
  if (left > 0) problems.push(`${left} intent row(s) left behind`);
  problems.push(
    ...(await storageInconsistencies(dataDir, w, () =>
      scratchDir !== '' && existsSync(join(scratchDir, 'image.qcow2'))
        ? join(scratchDir, 'image.qcow2')
        : null,
    )),
  );
  return problems;
}

// ── Killing ────────────────────────────────────────────────────────────────────────────

/** Pids of every process started for the engine on `dataDir` (npx, tsx, node). */
export function enginePids(dataDir: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      const i = argv.indexOf('--data-dir');
      if (i >= 0 && argv[i + 1] === dataDir) out.push(Number(e));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** SIGKILL the engine on `dataDir` (by pid, every process of it). */
export function killEngine(dataDir: string): number {
  const pids = enginePids(dataDir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids.length;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

/** Resolve once `probe` is true (polled quickly) or after `maxMs`; says whether it hit. */
async function waitFor(probe: () => Promise<boolean> | boolean, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return true;
    } catch {
      // Probe failed (e.g. database busy): try again.
    }
    await sleep(5);
  }
  return false;
}

/** A tiny deterministic PRNG (mulberry32) so a failing seed can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ── The part ───────────────────────────────────────────────────────────────────────────

export interface KillOptions extends PartOptions {
  /** Rounds to run (default: 100 full, 4 short). */
  rounds?: number;
  /** Only these commands (names in {@link killCommands}); default all. */
  commands?: readonly string[];
}

/** Run the kill rounds; see the file comment. */
export async function runKillRounds(opts: KillOptions): Promise<PartResult> {
  const envRounds = Number(process.env.AIO_KILL_ROUNDS ?? Number.NaN);
  const rounds = opts.rounds ?? (Number.isInteger(envRounds) ? envRounds : opts.full ? 100 : 4);
  const envCommands = process.env.AIO_KILL_COMMANDS?.split(',').filter((c) => c !== '');
  const random = prng(opts.seed);
  await sweepStale(FAMILY).catch(() => undefined);
  const prefix = claimRunPrefix(FAMILY);
  const dataDir = mkdtempSync(join(runDir(prefix), 'engine-'));
  scratchDir = mkdtempSync(join(runDir(prefix), 'scratch-'));
  const figures = {
    rounds: 0,
    killed: 0,
    'start-up failures': 0,
    'orphans/half states': 0,
    'lost commits': 0,
    'commands finished before kill': 0,
    'instrumented points not seen': 0,
  };
  const failures: string[] = [];
  const perCommand: Record<string, number> = {};
  let server: HeadlessServer | null = null;
  const api = restClient(() => server?.origin ?? 'http://127.0.0.1:1');
  try {
    server = await startHeadlessServer(dataDir, PASSWORD);
    const w = await discoverWorld(api, prefix);
    const only = opts.commands ?? envCommands;
    const chosen = killCommands.filter((c) => !only || only.includes(c.name));
    // The bundled debian-12 is copied into the domain at first start; let that finish so the
    // rounds do not each restart a 450 MB copy (its own recovery is checked like any other).
    await waitFor(() => !startupCopyRunning(dataDir), 300_000);
    // Every command once per cycle; the costly ones (weight < 1, a QEMU start) every other.
    const table = [...chosen, ...chosen.filter((c) => (c.weight ?? 1) >= 1)];
    for (let round = 0; round < rounds; round++) {
      const cmd = table[round % table.length] as KillCommand;
      perCommand[cmd.name] = (perCommand[cmd.name] ?? 0) + 1;
      await cmd.setup(api, w);
      // A marker committed before the killed command must survive it.
      const marker = freshName(w, 'k');
      const markerId = await addNetwork(api, w, marker);
      const point: KillPoint | 'random' =
        random() < 0.5
          ? 'random'
          : (cmd.points[Math.floor(random() * cmd.points.length)] ?? 'random');
      const delay = Math.floor(random() * 500);
      const bridgesBefore = new Set((await hostBridges(prefix)).keys());
      const domainsBefore = await hostDomains(prefix);
      const request = cmd.run(api, w).catch(() => null);
      let finished = false;
      void request.then(() => {
        finished = true;
      });
      let hit = true;
      if (point === 'random') await sleep(delay);
      else if (point === 'intent') hit = await waitFor(() => intentRows(dataDir) > 0, 3000);
      else if (point === 'partial') hit = await waitFor(() => partialExists(dataDir), 3000);
      else if (point === 'bridge')
        hit = await waitFor(
          async () => [...(await hostBridges(prefix)).keys()].some((b) => !bridgesBefore.has(b)),
          3000,
        );
      else
        hit = await waitFor(
          async () => [...(await hostDomains(prefix))].some(([d, r]) => r && !domainsBefore.get(d)),
          5000,
        );
      // A point that never showed (the command was faster than the poll) kills after it.
      if (!hit) figures['instrumented points not seen']++;
      if (finished) figures['commands finished before kill']++;
      killEngine(dataDir);
      figures.killed++;
      await request;
      await server.stop();
      server = null;
      const label = `round ${round} ${cmd.name} @${point === 'random' ? `${delay}ms` : point}`;
      try {
        server = await startHeadlessServer(dataDir, PASSWORD);
      } catch (e) {
        figures['start-up failures']++;
        failures.push(`${label}: start-up failed: ${String(e).slice(0, 400)}`);
        // Try once more so later rounds can go on (and count it).
        server = await startHeadlessServer(dataDir, PASSWORD);
      }
      const problems = await inconsistencies(api, w, dataDir);
      if (problems.length > 0) {
        figures['orphans/half states']++;
        failures.push(`${label}: ${problems.join('; ')}`);
      }
      const m = await api.call('GET', `/networks/${markerId}`);
      if (m.status !== 200) {
        figures['lost commits']++;
        failures.push(`${label}: marker ${marker} lost (${m.status})`);
      } else await api.call('DELETE', `/networks/${markerId}`);
      // Keep the host small: the round's network goes (removal is not under test here).
      if (w.vars.net && cmd.name !== 'remove') await api.call('DELETE', `/networks/${w.vars.net}`);
      delete w.vars.net;
      if ((STORAGE_KILL_COMMANDS as readonly string[]).includes(cmd.name))
        await cleanupStorageRound(api, w);
      figures.rounds++;
      opts.log(`${label}: ${problems.length === 0 ? 'consistent' : problems.join('; ')}`);
    }
  } catch (e) {
    failures.push(
      `kill harness aborted: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    if (server) failures.push(`engine log tail: ${server.log().slice(-1500)}`);
  } finally {
    if (server) {
      // Leave nothing behind: stop the VM, remove our networks, then the engine.
      await cleanupThroughApi(api, prefix).catch(() => undefined);
      await server.stop().catch(() => undefined);
    } else killEngine(dataDir);
    await sweepHost(prefix);
    rmSync(dataDir, { recursive: true, force: true });
    releaseRunPrefix(prefix);
  }
  return {
    name: 'kill',
    figures: {
      ...figures,
      ...storageFigures,
      ...Object.fromEntries(Object.entries(perCommand).map(([k, v]) => [`rounds ${k}`, v])),
    },
    failures,
  };
}

/** True while a template is still `locked` (the bundled image's first-start copy). */
function startupCopyRunning(dataDir: string): boolean {
  const db = new BetterSqlite3(join(dataDir, 'engine.db'), { readonly: true, timeout: 5000 });
  try {
    const r = db.prepare("SELECT count(*) AS n FROM vm_template WHERE status = 'locked'").get() as {
      n: number;
    };
    return r.n > 0;
  } finally {
    db.close();
  }
}

/**
 * After a storage round: remove what the round made (VMs from the template with their disks,
 * loose disks) so the domain stays small; the run's base template and snapshot VM stay.
 */
async function cleanupStorageRound(api: Api, w: World): Promise<void> {
  const keep = new Set([`${w.prefix}src`, `${w.prefix}snap`]);
  const vms = items((await api.call('GET', '/vms')).body, 'vms', 'vm');
  for (const v of vms.filter((x) => String(x.name).startsWith(w.prefix))) {
    if (keep.has(String(v.name)) || String(v.name) === `${w.prefix}vm`) continue;
    await api.call('DELETE', `/vms/${String(v.id)}`);
  }
  const disks = items((await api.call('GET', '/disks')).body, 'disks', 'disk');
  for (const d of disks.filter((x) => /^[a-z]{2}[0-9a-z]{3}[dux]/.test(String(x.name)))) {
    if (!String(d.name).startsWith(w.prefix)) continue;
    await api.call('DELETE', `/disks/${String(d.id)}`);
  }
}

/** Stop and remove our VMs and networks through the API (what an admin would do). */
export async function cleanupThroughApi(api: Api, prefix: string): Promise<void> {
  const vms = items((await api.call('GET', '/vms')).body, 'vms', 'vm');
  for (const v of vms.filter((x) => String(x.name).startsWith(prefix))) {
    await api.call('POST', `/vms/${String(v.id)}/stop`, '<action/>');
    await api.call('DELETE', `/vms/${String(v.id)}`);
  }
  const networks = items((await api.call('GET', '/networks')).body, 'networks', 'network');
  for (const n of networks.filter((x) => String(x.name).startsWith(prefix)))
    await api.call('DELETE', `/networks/${String(n.id)}`);
}

/** Out-of-band clean-up of whatever still carries our prefix (domains, then bridges). */
export async function sweepHost(prefix: string): Promise<void> {
  for (const d of (await hostDomains(prefix).catch(() => new Map<string, boolean>())).keys()) {
    await run('virsh', ['-c', 'qemu:///system', 'destroy', d]).catch(() => undefined);
    await run('virsh', ['-c', 'qemu:///system', 'undefine', d]).catch(() => undefined);
  }
  for (const b of (await hostBridges(prefix).catch(() => new Map<string, Link>())).keys())
    await run('ip', ['link', 'del', 'dev', b]).catch(() => undefined);
}
