// SPDX-License-Identifier: Apache-2.0
/**
 * Driving the host layer's segment services (libvirt/segment) from the engine, as one step of
 * a host-network change: which networks' services change ({@link segmentChanges}), and
 * applying them around the bridges' own change with compensation
 * ({@link withSegmentServices}): services that go are taken down before their bridge goes,
 * services that come or change are set up after their bridge is there; any failure puts
 * back every service and the bridges as they were, then throws (the host layer itself never
 * leaves a half-built namespace). The last plan applied per network is remembered so the
 * watcher (segment-watch.ts) only reloads dnsmasq when leases or names really change.
 */
import type { Database } from '../../../db/client';
import type { SegmentPlan } from '../../../libvirt/host-agent';
import type { EngineServices } from '../context';
import { type DesiredSegment, desiredSegmentsOnHost } from './segment-plan';

/** One network whose service changes: from `before` to `after` (null = none). */
export interface SegmentChange {
  readonly network: string;
  readonly before: SegmentPlan | null;
  readonly after: SegmentPlan | null;
}

const applied = new WeakMap<Database, Map<string, string>>();

/** What the engine last applied per on-host network name (JSON of the plan, `null` = off). */
export function appliedSegments(database: Database): Map<string, string> {
  let m = applied.get(database);
  if (!m) {
    m = new Map();
    applied.set(database, m);
  }
  return m;
}

const key = (plan: SegmentPlan | null): string => JSON.stringify(plan);

/**
 * Networks whose service differs between two desired states, plus `touched` networks (their
 * bridge is being set up again: the service is re-applied so its port follows the bridge).
 */
export function segmentChanges(
  before: ReadonlyMap<string, DesiredSegment>,
  after: ReadonlyMap<string, DesiredSegment>,
  touched: readonly string[],
): SegmentChange[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const out: SegmentChange[] = [];
  for (const network of [...names].sort()) {
    const b = before.get(network)?.plan ?? null;
    const a = after.get(network)?.plan ?? null;
    if (key(a) !== key(b) || (touched.includes(network) && (a !== null || b !== null)))
      out.push({ network, before: b, after: a });
  }
  return out;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Put each service back to `before` (best effort: the original error is what matters). */
async function putBack(
  services: EngineServices,
  changes: readonly SegmentChange[],
  which: (c: SegmentChange) => boolean,
): Promise<void> {
  for (const c of changes) {
    if (!which(c)) continue;
    await services.host.setupSegmentServices(c.network, c.before).then(
      () => appliedSegments(services.database).set(c.network, key(c.before)),
      () => appliedSegments(services.database).delete(c.network),
    );
  }
}

/**
 * Run `networks` (the bridges' change) with the segment `changes` around it; on any failure
 * undo everything done so far (`undoNetworks` puts the bridges back) and rethrow.
 */
export async function withSegmentServices<R>(
  services: EngineServices,
  changes: readonly SegmentChange[],
  networks: () => Promise<R>,
  undoNetworks: () => Promise<void>,
): Promise<R> {
  const { host, database } = services;
  const done: SegmentChange[] = [];
  let networksDone = false;
  try {
    // Services that go: before their bridge goes (the port must not outlive it).
    for (const c of changes) {
      if (c.after !== null) continue;
      done.push(c);
      await host.setupSegmentServices(c.network, null);
      appliedSegments(database).set(c.network, key(null));
    }
    const result = await networks();
    networksDone = true;
    for (const c of changes) {
      if (c.after === null) continue;
      done.push(c);
      await host.setupSegmentServices(c.network, c.after);
      appliedSegments(database).set(c.network, key(c.after));
    }
    return result;
  } catch (e) {
    // New services go before their bridges are undone; the rest come back after.
    await putBack(services, done, (c) => c.before === null);
    if (networksDone) await undoNetworks().catch(() => undefined);
    await putBack(services, done, (c) => c.before !== null);
    throw e;
  }
}

/** Undo applied `changes` after the database refused to record them (intents' undoHost). */
export async function undoSegmentServices(
  services: EngineServices,
  changes: readonly SegmentChange[],
  undoNetworks: () => Promise<void>,
): Promise<void> {
  await putBack(services, changes, (c) => c.before === null);
  await undoNetworks();
  await putBack(services, changes, (c) => c.before !== null);
}

/** One problem with a network's service, for the audit log. */
export function segmentFailureText(network: string, e: unknown): string {
  return `DHCP/DNS service of network ${network} failed: ${describe(e)}`;
}

/**
 * Restart recovery of a `host-networks` intent: make the services of `networks` what the
 * restored database wants (no plan = no service). Returns the problems; never throws.
 */
export async function recoverSegmentServices(
  services: EngineServices,
  hostId: string,
  networks: readonly string[],
): Promise<string[]> {
  const problems: string[] = [];
  const wanted = desiredSegmentsOnHost(services.database.db, hostId);
  for (const network of networks) {
    const plan = wanted.get(network)?.plan ?? null;
    try {
      await services.host.setupSegmentServices(network, plan);
      appliedSegments(services.database).set(network, key(plan));
    } catch (e) {
      appliedSegments(services.database).delete(network);
      problems.push(`${network} (DHCP/DNS): ${describe(e)}`);
    }
  }
  return problems;
}
