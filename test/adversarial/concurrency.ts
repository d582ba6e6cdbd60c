// SPDX-License-Identifier: Apache-2.0
/**
 * Concurrent clients against a real engine (issue 10): `clients` (default 20) loops for a
 * bounded time, each doing what an administrator's script does — list and read networks, add
 * isolated networks, attach them to the cluster (the engine then creates the bridge on the
 * host), add and remove labels, detach, remove. Reports p50/p99 per operation and overall and
 * the 5xx count, then checks that the database (read through the API) matches the host:
 * every network the host carries has its bridge (`ip -json link`), no bridge of this run is
 * left without a network, and no network, cluster network or attachment is listed twice.
 * Target: 0 5xx, overall p99 under 10× p50.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { API, type Appliance, runPrefix, startAppliance, uniqueName } from '../functional/support';
import { ipLinks } from '../support/host-inspect';
import { makeClient, percentile, prng, type Received } from './client';
import type { Part, PartResult } from './types';

type Op = 'list' | 'get' | 'add' | 'attach' | 'detach' | 'label' | 'unlabel' | 'remove';

/** Relative frequency of each operation, when it is possible at all. */
const WEIGHTS: readonly [Op, number][] = [
  ['list', 30],
  ['get', 20],
  ['add', 12],
  ['attach', 10],
  ['detach', 6],
  ['label', 8],
  ['unlabel', 6],
  ['remove', 8],
];

/** Networks a client keeps at most (each attached one is a bridge on the host). */
const MAX_OWN = 3;

interface OwnNetwork {
  readonly id: string;
  readonly name: string;
  attached: boolean;
  labels: string[];
}

interface Sample {
  readonly op: Op;
  readonly ms: number;
  readonly status: number;
}

export interface ConcurrencyOptions {
  readonly full: boolean;
  readonly seed: number;
  readonly log: (s: string) => void;
  /** Concurrent clients (default 20). */
  readonly clients?: number;
  /** Seconds of load (default 120 full, 10 short). */
  readonly seconds?: number;
  readonly appliance?: Appliance;
}

const EXPECTED: Record<Op, readonly number[]> = {
  list: [200],
  get: [200],
  add: [201],
  attach: [201],
  detach: [200],
  label: [201],
  unlabel: [200],
  remove: [200],
};

function stats(values: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  return {
    n: values.length,
    p50: Math.round(percentile(values, 50)),
    p99: Math.round(percentile(values, 99)),
    max: Math.round(Math.max(0, ...values)),
  };
}

/** Latency per operation of the last run (for the short test's per-operation bound). */
export interface OpLatency {
  readonly op: string;
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
}

export async function concurrency(
  opts: ConcurrencyOptions,
): Promise<PartResult & { perOp: OpLatency[] }> {
  const clients = opts.clients ?? 20;
  const seconds = opts.seconds ?? (opts.full ? 120 : 10);
  const { log } = opts;
  const own = opts.appliance === undefined;
  const appliance = opts.appliance ?? (await startAppliance());
  const http = makeClient(appliance.origin, clients + 2);
  const failures: string[] = [];
  const samples: Sample[] = [];
  const unexpected = new Map<string, number>();
  try {
    const bearer = await appliance.token();
    const headers = {
      Authorization: `Bearer ${bearer}`,
      Accept: 'application/json',
      'Content-Type': 'application/xml',
    };
    const call = (method: string, path: string, body?: string): Promise<Received> =>
      http.send({
        method,
        path: `${API}${path}`,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
    const getJson = async (path: string): Promise<Record<string, unknown>> => {
      const r = await call('GET', path);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
      return JSON.parse(r.text) as Record<string, unknown>;
    };
    const list = (doc: Record<string, unknown>, item: string): Record<string, unknown>[] => {
      const v = doc[item];
      return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
    };
    const dcId = String(list(await getJson('/datacenters'), 'data_center')[0]?.id);
    const clusterId = String(list(await getJson('/clusters'), 'cluster')[0]?.id);
    const hostId = String(list(await getJson('/hosts'), 'host')[0]?.id);
    log(`${clients} clients for ${seconds} s (seed ${opts.seed})`);

    const deadline = performance.now() + seconds * 1000;
    const loop = async (index: number): Promise<OwnNetwork[]> => {
      const rng = prng(opts.seed * 1000 + index);
      const mine: OwnNetwork[] = [];
      const choose = <T>(items: readonly T[]): T | undefined =>
        items[Math.floor(rng() * items.length)];
      while (performance.now() < deadline) {
        const possible = WEIGHTS.filter(([op]) => {
          switch (op) {
            case 'add':
              return mine.length < MAX_OWN;
            case 'attach':
              return mine.some((n) => !n.attached);
            case 'detach':
              return mine.some((n) => n.attached);
            case 'unlabel':
              return mine.some((n) => n.labels.length > 0);
            case 'label':
              // oVirt networks carry one label at most.
              return mine.some((n) => n.labels.length === 0);
            case 'get':
            case 'remove':
              return mine.length > 0;
            default:
              return true;
          }
        });
        const total = possible.reduce((s, [, w]) => s + w, 0);
        let r = rng() * total;
        let op: Op = 'list';
        for (const [o, w] of possible) {
          r -= w;
          if (r < 0) {
            op = o;
            break;
          }
        }
        let res: Received;
        let onOk = (): void => undefined;
        switch (op) {
          case 'list':
            res = await call('GET', '/networks');
            break;
          case 'get': {
            const n = choose(mine) as OwnNetwork;
            res = await call('GET', `/networks/${n.id}`);
            break;
          }
          case 'add': {
            const name = uniqueName('cc');
            res = await call(
              'POST',
              '/networks',
              `<network><name>${name}</name><isolated>true</isolated><data_center id="${dcId}"/></network>`,
            );
            onOk = () => {
              const { id } = JSON.parse(res.text) as { id: string };
              mine.push({ id, name, attached: false, labels: [] });
            };
            break;
          }
          case 'attach': {
            const n = choose(mine.filter((x) => !x.attached)) as OwnNetwork;
            res = await call('POST', `/clusters/${clusterId}/networks`, `<network id="${n.id}"/>`);
            onOk = () => {
              n.attached = true;
            };
            break;
          }
          case 'detach': {
            const n = choose(mine.filter((x) => x.attached)) as OwnNetwork;
            res = await call('DELETE', `/clusters/${clusterId}/networks/${n.id}`);
            onOk = () => {
              n.attached = false;
            };
            break;
          }
          case 'label': {
            const n = choose(mine.filter((x) => x.labels.length === 0)) as OwnNetwork;
            const label = `l${index}x${Math.floor(rng() * 1e6)}`;
            res = await call(
              'POST',
              `/networks/${n.id}/networklabels`,
              `<network_label id="${label}"/>`,
            );
            onOk = () => {
              n.labels.push(label);
            };
            break;
          }
          case 'unlabel': {
            const n = choose(mine.filter((x) => x.labels.length > 0)) as OwnNetwork;
            const label = n.labels[0] ?? '';
            res = await call('DELETE', `/networks/${n.id}/networklabels/${label}`);
            onOk = () => {
              n.labels.shift();
            };
            break;
          }
          case 'remove': {
            const n = choose(mine) as OwnNetwork;
            res = await call('DELETE', `/networks/${n.id}`);
            onOk = () => {
              mine.splice(mine.indexOf(n), 1);
            };
            break;
          }
        }
        samples.push({ op, ms: res.ms, status: res.status });
        if (res.status >= 500) {
          failures.push(
            `client ${index} ${op} → ${res.status} ${res.text.slice(0, 300).replace(/\s+/g, ' ')}`,
          );
        } else if (EXPECTED[op].includes(res.status)) {
          onOk();
        } else {
          const key = `${op} ${res.status}`;
          unexpected.set(key, (unexpected.get(key) ?? 0) + 1);
          if ((unexpected.get(key) ?? 0) <= 3) {
            log(`client ${index}: ${key}: ${res.text.slice(0, 240).replace(/\s+/g, ' ')}`);
          }
        }
      }
      return mine;
    };
    // The engine runs in this process: the loop's delay is the engine's (spawns of `ip`,
    // synchronous SQLite), which every request waits behind.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const started = performance.now();
    const owned = (await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)))).flat();
    const elapsed = (performance.now() - started) / 1000;
    loopDelay.disable();

    // Changes answered while the host was busy are applied in its next turn (the engine's
    // host-network queue, as oVirt's cluster commands run the hosts' setup afterwards): wait
    // until the host has none left before comparing it with the database.
    const settleStarted = performance.now();
    const settled = async (): Promise<void> => {
      for (let i = 0; i < 600; i++) {
        const h = await getJson(`/hosts/${hostId}`);
        if (String(h.network_operation_in_progress) !== 'true') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      failures.push('the host still has network changes in progress 30 s after the run');
    };
    await settled();
    const settleMs = Math.round(performance.now() - settleStarted);

    // ── DB (through the API) against the host ────────────────────────────────────────────
    const networks = list(await getJson('/networks'), 'network');
    const clusterNetworks = list(await getJson(`/clusters/${clusterId}/networks`), 'network');
    const attachments = list(
      await getJson(`/hosts/${hostId}/networkattachments`),
      'network_attachment',
    );
    const dupes = (label: string, values: string[]): void => {
      const seen = new Set<string>();
      for (const v of values) {
        if (seen.has(v)) failures.push(`duplicate ${label}: ${v}`);
        seen.add(v);
      }
    };
    dupes(
      'network name',
      networks.map((n) => String(n.name)),
    );
    dupes(
      'network id',
      networks.map((n) => String(n.id)),
    );
    dupes(
      'cluster network',
      clusterNetworks.map((n) => String(n.id)),
    );
    dupes(
      'host attachment of network',
      attachments.map((a) => String((a.network as { id?: string } | undefined)?.id)),
    );
    const byId = new Map(networks.map((n) => [String(n.id), n]));
    for (const n of owned) {
      if (!byId.has(n.id)) failures.push(`network ${n.name} answered 201 but is not listed`);
      const onCluster = clusterNetworks.some((c) => String(c.id) === n.id);
      if (onCluster !== n.attached) {
        failures.push(
          `network ${n.name}: cluster says attached=${onCluster}, the client's last 2xx said ${n.attached}`,
        );
      }
    }
    const links = await ipLinks();
    const bridges = new Set(
      links.filter((l) => l.linkinfo?.info_kind === 'bridge').map((l) => l.ifname),
    );
    const expectedBridges = new Set<string>();
    for (const a of attachments) {
      const net = byId.get(String((a.network as { id?: string } | undefined)?.id));
      if (net === undefined) {
        failures.push(`host attachment ${String(a.id)} names a network that does not exist`);
        continue;
      }
      const bridge = String(net.vdsm_name ?? net.name);
      expectedBridges.add(bridge);
      if (!bridges.has(bridge))
        failures.push(
          `network ${String(net.name)} is attached but bridge ${bridge} is missing on the host`,
        );
    }
    const prefix = runPrefix();
    for (const b of bridges) {
      if (b.startsWith(`${prefix}cc`) && !expectedBridges.has(b)) {
        failures.push(`bridge ${b} is on the host but no network attachment carries it`);
      }
    }

    // ── Figures ──────────────────────────────────────────────────────────────────────────
    const all = stats(samples.map((s) => s.ms));
    const figures: Record<string, number | string> = {
      clients,
      seconds: Math.round(elapsed),
      requests: samples.length,
      'req/s': Math.round(samples.length / elapsed),
      '5xx': samples.filter((s) => s.status >= 500).length,
      'p50 ms': all.p50,
      'p99 ms': all.p99,
      'max ms': all.max,
      'p99/p50': all.p50 > 0 ? Number((all.p99 / all.p50).toFixed(1)) : 0,
    };
    figures['event loop delay p99/max ms'] =
      `${Math.round(loopDelay.percentile(99) / 1e6)}/${Math.round(loopDelay.max / 1e6)}`;
    for (const [op] of WEIGHTS) {
      const s = stats(samples.filter((x) => x.op === op).map((x) => x.ms));
      figures[`${op} n/p50/p99 ms`] = `${s.n}/${s.p50}/${s.p99}`;
    }
    for (const [k, n] of unexpected) figures[`unexpected ${k}`] = n;
    figures['host caught up after the run, ms'] = settleMs;
    figures['networks at end'] = owned.length;
    figures['bridges checked'] = expectedBridges.size;
    if (all.p50 > 0 && all.p99 > 10 * all.p50) {
      failures.push(`p99 ${all.p99} ms is over 10× p50 ${all.p50} ms`);
    }

    // ── Cleanup through the API; the host must end without this run's bridges ───────────
    for (const n of owned) {
      if (n.attached) await call('DELETE', `/clusters/${clusterId}/networks/${n.id}`);
      const r = await call('DELETE', `/networks/${n.id}`);
      if (r.status !== 200) failures.push(`cleanup: DELETE network ${n.name} → ${r.status}`);
    }
    await settled();
    const left = (await ipLinks()).filter((l) => l.ifname.startsWith(`${prefix}cc`));
    if (left.length > 0)
      failures.push(`bridges left after cleanup: ${left.map((l) => l.ifname).join(', ')}`);
    const perOp = WEIGHTS.map(([op]) => ({
      op,
      ...stats(samples.filter((x) => x.op === op).map((x) => x.ms)),
    }));
    return { name: 'concurrency', figures, failures, perOp };
  } finally {
    http.close();
    if (own) await appliance.stop();
  }
}

export const runConcurrency: Part = (opts) => concurrency(opts);
