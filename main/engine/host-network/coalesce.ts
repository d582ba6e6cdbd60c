// SPDX-License-Identifier: Apache-2.0
/**
 * One apply per host-lock turn (issue 10 item 6). Host-network changes that arrive while the
 * host is busy wait here; each turn takes the host's network lock once and runs every waiting
 * change together, the way oVirt funnels changes through one HostSetupNetworks:
 *
 * - each change still records its own intent (tx 1, its own snapshot), gets its own result
 *   (tx 2) or its own compensation — a kill at any point leaves one intent per change, which
 *   recovery handles alone as before;
 * - the host gets ONE setupNetworks for all of them (the host layer applies a request
 *   atomically and reads back only the devices it names);
 * - when that combined apply fails, the members are applied again one by one, so one bad
 *   change fails alone and the others succeed;
 * - two changes of one turn never touch the same on-host name: the later one waits for the
 *   next turn (so the changes of a turn are independent, and so are their intents).
 */
import type { ReportedNetwork } from '../../../libvirt/host-agent';
import { lockKey } from '../command';
import type { EngineServices } from '../context';
import { unresolvedIntents } from '../intents';
import { runChange } from './apply';
import type { HostNetworkChange, HostPlan } from './change';
import { applyOnHost, mergePlans } from './host-step';

interface Member {
  readonly ctx: EngineServices;
  readonly change: HostNetworkChange;
  resolve(): void;
  reject(e: unknown): void;
}

interface HostQueue {
  waiting: Member[];
  draining: boolean;
}

/** A change that overlaps an earlier change of the same turn: it goes to the next turn. */
class NextTurn extends Error {
  constructor() {
    super('overlaps a change of this turn');
  }
}

/** Per engine (its lock manager), per host. */
const queues = new WeakMap<object, Map<string, HostQueue>>();

function queueOf(ctx: EngineServices, hostId: string): HostQueue {
  let byHost = queues.get(ctx.locks);
  if (!byHost) {
    byHost = new Map();
    queues.set(ctx.locks, byHost);
  }
  let q = byHost.get(hostId);
  if (!q) {
    q = { waiting: [], draining: false };
    byHost.set(hostId, q);
  }
  return q;
}

/** Queue `change` for the next turn of its host; settles with the change's own outcome. */
export function applyInTurn(ctx: EngineServices, change: HostNetworkChange): Promise<void> {
  const q = queueOf(ctx, change.hostId);
  const done = new Promise<void>((resolve, reject) => {
    q.waiting.push({ ctx, change, resolve, reject });
  });
  if (!q.draining) {
    q.draining = true;
    void drain(ctx, change.hostId, q);
  }
  return done;
}

async function drain(ctx: EngineServices, hostId: string, q: HostQueue): Promise<void> {
  try {
    while (q.waiting.length > 0) {
      let release: () => void;
      try {
        release = await ctx.locks.acquire([lockKey.hostNetworks(hostId)], ctx.lockTimeoutMs);
      } catch (e) {
        // The host stayed busy (a long command holds it): nothing was done, as before.
        for (const m of q.waiting.splice(0)) m.reject(e);
        continue;
      }
      const batch = q.waiting.splice(0);
      try {
        q.waiting.unshift(...(await turn(batch)));
      } catch (e) {
        // Not expected (each member settles on its own); never leave a caller waiting.
        for (const m of batch) m.reject(e);
      } finally {
        // An intent still being resolved in the background keeps the host (intents.ts).
        const unresolved = unresolvedIntents(ctx.database);
        if (unresolved) await unresolved;
        release();
      }
    }
  } finally {
    q.draining = false;
  }
}

interface Arrival {
  readonly plan: HostPlan;
  resolve(r: Record<string, ReportedNetwork>): void;
  reject(e: unknown): void;
}

/** Reports of the networks `plan` asked for (each change stores its own). */
const own = (
  plan: HostPlan,
  reports: Record<string, ReportedNetwork>,
): Record<string, ReportedNetwork> =>
  Object.fromEntries(
    Object.keys(plan.request.networks).flatMap((n) => {
      const r = reports[n];
      return r ? [[n, r]] : [];
    }),
  );

/** One turn: returns the members that must wait for the next one. */
async function turn(batch: readonly Member[]): Promise<Member[]> {
  const claimed = new Set<string>();
  const arrivals: Arrival[] = [];
  const later: Member[] = [];
  const settled: Promise<void>[] = [];
  for (const m of batch) {
    // tx 1 of each member runs now, one after the other, and calls hostStep synchronously
    // (runIntent does not await before its host step): after this loop every member that
    // has host work is in `arrivals`.
    const outcome = runChange(m.ctx, m.change, {
      claim: (names) => {
        if (names.some((n) => claimed.has(n))) throw new NextTurn();
        for (const n of names) claimed.add(n);
      },
      hostStep: (plan) =>
        new Promise((resolve, reject) => {
          arrivals.push({ plan, resolve, reject });
        }),
    });
    settled.push(
      outcome.then(
        () => {
          m.resolve();
        },
        (e: unknown) => {
          if (e instanceof NextTurn) later.push(m);
          else m.reject(e);
        },
      ),
    );
  }
  const ctx = batch[0]?.ctx;
  if (ctx && arrivals.length > 0) await applyArrivals(ctx, arrivals);
  await Promise.all(settled);
  return later;
}

/** One apply for all; if it fails, one by one so the failure is the failing change's only. */
async function applyArrivals(ctx: EngineServices, arrivals: readonly Arrival[]): Promise<void> {
  if (arrivals.length > 1) {
    try {
      const reports = await applyOnHost(ctx, mergePlans(arrivals.map((a) => a.plan)));
      for (const a of arrivals) a.resolve(own(a.plan, reports));
      return;
    } catch {
      // The host layer rolled the combined request back: try each change alone.
    }
  }
  for (const a of arrivals) {
    try {
      a.resolve(await applyOnHost(ctx, a.plan));
    } catch (e) {
      a.reject(e);
    }
  }
}
