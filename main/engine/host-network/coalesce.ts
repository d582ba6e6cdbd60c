// SPDX-License-Identifier: Apache-2.0
/**
 * One apply per host-lock turn (issue 10 item 6). Host-network changes that arrive while the
 * host is busy wait here; each turn takes the host's network lock once and runs every waiting
 * change together, the way oVirt funnels changes through one HostSetupNetworks:
 *
 * - each change still records its own intent (tx 1, its own snapshot), gets its own result
 *   (tx 2) or its own compensation — a kill at any point leaves one intent per change, which
 *   recovery handles (newest first, recovery.ts);
 * - the host gets ONE setupNetworks for all of them (the host layer applies a request
 *   atomically and reads back only the devices it names);
 * - when that combined apply fails, the members are applied again one by one, so one bad
 *   change fails alone and the others succeed;
 * - two changes of one turn never touch the same on-host name.
 *
 * Deferred changes ({@link TurnOptions.deferrable}: a cluster-level command's work on its one
 * host). oVirt's AttachNetworkToCluster commits and then runs PersistentHostSetupNetworks for
 * the hosts as internal commands; here, a deferrable change that arrives while a turn holds the
 * host runs its tx 1 at once and its caller is answered: the attachment shows `configuring`,
 * out of sync, until a following turn applies it. The queue keeps the host lock until every
 * deferred change is applied, so no other host-network command interleaves; with a command
 * waiting for that lock nothing more is deferred (it is not starved). When the host is free,
 * a change is applied before its caller is answered, as before.
 * - A deferred change may touch a name an open (not yet resolved) change touches — a detach
 *   right after an attach: it follows it, applied in a later turn, its tx 1 having seen the
 *   earlier one's rows. Their intents overlap, so they are undone newest first: when the
 *   earlier change fails, the ones that follow it are compensated before it.
 * - A change that fails after its caller was answered is compensated in the background
 *   (database exactly as before it) and an audit event says why.
 */
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { auditRepo } from '../../../db/repos/users.repo';
import type { ReportedNetwork } from '../../../libvirt/host-agent';
import { lockKey } from '../command';
import type { EngineServices } from '../context';
import { unresolvedIntents } from '../intents';
import { CommandFailure } from '../validation';
import { runChange } from './apply';
import type { HostNetworkChange, HostPlan } from './change';
import { applyOnHost, mergePlans } from './host-step';

type Reports = Record<string, ReportedNetwork>;

export interface TurnOptions {
  /**
   * May the caller be answered after tx 1 when the host is busy (the host step then follows in
   * a later turn)? Only for a change that is its command's whole host work: a later failure
   * undoes exactly this change.
   */
  readonly deferrable?: boolean;
}

interface Member {
  readonly ctx: EngineServices;
  readonly change: HostNetworkChange;
  readonly deferrable: boolean;
  resolve(): void;
  reject(e: unknown): void;
}

/** A change whose tx 1 committed: its intent is open until it settles. */
interface Open {
  readonly names: readonly string[];
  /** Bridges only: a later change of the same names may follow it. */
  readonly stackable: boolean;
  /** Open changes of the same names it must be applied after. */
  readonly after: readonly Open[];
  readonly member: Member;
  plan?: HostPlan;
  resolve?: (r: Reports) => void;
  reject?: (e: unknown) => void;
  /** Settles when the change's intent is resolved (tx 2 or compensation); never rejects. */
  settled: Promise<void>;
  done: boolean;
}

interface HostQueue {
  /** Changes whose tx 1 runs in the next turn (their callers wait for the apply). */
  readonly waiting: Member[];
  /** Deferred changes: tx 1 done and answered, applied in a following turn (in order). */
  readonly pending: Open[];
  /** Deferrable changes that could not follow an open change: retried after each turn. */
  readonly blocked: Member[];
  /** Per on-host name, the open changes touching it (oldest first). */
  readonly open: Map<string, Open[]>;
  draining: boolean;
  /** The drain holds the host's network lock (a turn runs or follows). */
  holding: boolean;
}

/** A change that overlaps an open change it cannot follow: it goes to a later turn. */
class NextTurn extends Error {
  constructor() {
    super('overlaps an open change');
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
    q = {
      waiting: [],
      pending: [],
      blocked: [],
      open: new Map(),
      draining: false,
      holding: false,
    };
    byHost.set(hostId, q);
  }
  return q;
}

/**
 * Queue `change` for the next turn of its host; settles with the change's own outcome, or —
 * deferred (see the file comment) — as soon as its tx 1 committed.
 */
export function applyInTurn(
  ctx: EngineServices,
  change: HostNetworkChange,
  options: TurnOptions = {},
): Promise<void> {
  const q = queueOf(ctx, change.hostId);
  return new Promise<void>((resolve, reject) => {
    const m: Member = { ctx, change, deferrable: options.deferrable ?? false, resolve, reject };
    if (m.deferrable && canDefer(q, m)) {
      if (!defer(q, m)) q.blocked.push(m);
      return;
    }
    q.waiting.push(m);
    if (!q.draining) {
      q.draining = true;
      void drain(ctx, change.hostId, q);
    }
  });
}

/**
 * Hosts with an open change on the on-host name `name` (a command that removes rows such a
 * change's compensation would restore follows it there instead of racing it).
 */
export function hostsWithOpenChange(ctx: EngineServices, name: string): string[] {
  return [...(queues.get(ctx.locks) ?? new Map<string, HostQueue>())]
    .filter(([, q]) => (q.open.get(name)?.length ?? 0) > 0)
    .map(([hostId]) => hostId);
}

/** Deferring needs a turn holding the host (one applies the change) and nobody else waiting. */
const canDefer = (q: HostQueue, m: Member): boolean =>
  q.holding && m.ctx.locks.waiting(lockKey.hostNetworks(m.change.hostId)) === 0;

/**
 * Run `m`'s tx 1 now (it runs synchronously: the result is known on return). Registers the
 * change as open on its names until its intent is resolved; `follow` says whether it may
 * follow open changes of the same names. Returns null when it overlaps one it cannot follow
 * (nothing was done), else the open record (no `plan` when there is no host work) and outcome.
 */
function start(
  q: HostQueue,
  m: Member,
  follow: boolean,
): { open: Open | null; outcome: Promise<void> } | null {
  const box: { open?: Open; conflict?: boolean } = {};
  const outcome = runChange(m.ctx, m.change, {
    claim: (names, stackable) => {
      const before = [...new Set(names.flatMap((n) => q.open.get(n) ?? []))];
      if (before.length > 0 && !(follow && stackable && before.every((o) => o.stackable))) {
        box.conflict = true;
        throw new NextTurn();
      }
      const o: Open = {
        names,
        stackable,
        after: before,
        member: m,
        settled: Promise.resolve(),
        done: false,
      };
      for (const n of names) q.open.set(n, [...(q.open.get(n) ?? []), o]);
      box.open = o;
    },
    othersOpen: () => {
      const own = new Set(box.open?.names ?? []);
      return new Set([...q.open.keys()].filter((n) => !own.has(n)));
    },
    hostStep: (plan) =>
      new Promise<Reports>((resolve, reject) => {
        const o = box.open;
        if (!o) {
          reject(new Error('host step without a claim'));
          return;
        }
        Object.assign(o, { plan, resolve, reject });
      }),
    beforeUndo: async () => {
      if (box.open) await cancelFollowers(q, box.open);
    },
  }).finally(() => {
    const o = box.open;
    if (!o) return;
    o.done = true;
    for (const n of o.names) {
      const rest = (q.open.get(n) ?? []).filter((x) => x !== o);
      if (rest.length > 0) q.open.set(n, rest);
      else q.open.delete(n);
    }
  });
  if (box.conflict === true) {
    outcome.catch(() => undefined);
    return null;
  }
  return { open: box.open ?? null, outcome };
}

/** Defer `m` (see the file comment). False when it overlaps an open change it cannot follow. */
function defer(q: HostQueue, m: Member): boolean {
  const started = start(q, m, true);
  if (started === null) return false;
  const { open, outcome } = started;
  if (open?.plan === undefined) {
    // No host work (or tx 1 refused): the outcome is final now.
    outcome.then(
      () => {
        m.resolve();
      },
      (e: unknown) => {
        m.reject(e);
      },
    );
    return true;
  }
  const plan = open.plan;
  open.settled = outcome.then(
    () => undefined,
    (e: unknown) => {
      compensatedEvent(m, plan, e);
    },
  );
  q.pending.push(open);
  // The database change is committed and the attachment shows configuring: answer now.
  m.resolve();
  return true;
}

/**
 * Before `o` is undone: the deferred changes that follow it (directly or not) are undone
 * first, newest first, so each compensation restores the rows as the one before left them.
 */
async function cancelFollowers(q: HostQueue, o: Open): Promise<void> {
  const followers = new Set<Open>();
  for (const p of q.pending) {
    if (p.after.some((a) => a === o || followers.has(a))) followers.add(p);
  }
  if (followers.size === 0) return;
  const cancelled = q.pending.filter((p) => followers.has(p));
  for (const p of cancelled) q.pending.splice(q.pending.indexOf(p), 1);
  for (const p of cancelled.reverse()) {
    p.reject?.(
      new Error(`undone because the change it followed (${o.member.change.command}) failed`),
    );
    await p.settled;
  }
}

/** A deferred change its host refused: undone (runIntent compensated it); say so. */
function compensatedEvent(m: Member, plan: HostPlan, e: unknown): void {
  const { ctx, change } = m;
  try {
    const host = hostsRepo.findById(ctx.database.db, change.hostId);
    const names = Object.keys(plan.request.networks).join(', ');
    const detail = e instanceof CommandFailure ? e.failure.vars.detail : undefined;
    const why = [e instanceof Error ? e.message : String(e), detail].filter(Boolean).join(': ');
    const event = auditRepo.insert(ctx.database.db, {
      time: new Date().toISOString(),
      severity: 'error',
      code: 'PERSIST_NETWORK_ON_HOST_FAILED',
      description:
        `Failed to configure network(s) ${names} on host ${host?.name ?? change.hostId}: ${why}; ` +
        `${change.command} was undone (User: SYSTEM).`,
      user: 'SYSTEM',
      correlationId: null,
      dataCenterId: null,
      clusterId: host?.clusterId ?? null,
      hostId: change.hostId,
      networkId: null,
      vmId: null,
    });
    ctx.events.publish({ type: 'audit', event });
  } catch {
    // The audit log may be what is unavailable; the change is undone regardless.
  }
}

async function drain(ctx: EngineServices, hostId: string, q: HostQueue): Promise<void> {
  let release: (() => void) | null = null;
  try {
    while (q.waiting.length > 0 || q.pending.length > 0 || q.blocked.length > 0) {
      if (release === null) {
        try {
          release = await ctx.locks.acquire([lockKey.hostNetworks(hostId)], ctx.lockTimeoutMs);
        } catch (e) {
          // The host stayed busy (a long command holds it): nothing was done, as before.
          for (const m of q.waiting.splice(0)) m.reject(e);
          continue;
        }
        q.holding = true;
      }
      const batch = q.waiting.splice(0);
      // Deferred changes whose predecessors are resolved (the others wait a turn more).
      const ready = q.pending.filter((o) => o.after.every((a) => a.done));
      for (const o of ready) q.pending.splice(q.pending.indexOf(o), 1);
      if (batch.length === 0 && ready.length === 0 && q.pending.length > 0) {
        // Not expected (predecessors settle within their turn); never spin on microtasks.
        await Promise.race([
          ...q.pending.flatMap((o) => o.after.map((a) => a.settled)),
          new Promise((r) => setTimeout(r, 50)),
        ]);
        continue;
      }
      try {
        for (const m of await turn(ctx, q, batch, ready)) {
          if (m.deferrable) q.blocked.push(m);
          else q.waiting.push(m);
        }
      } catch (e) {
        // Not expected (each member settles on its own); never leave a caller waiting.
        for (const m of batch) m.reject(e);
      }
      // An intent still being resolved in the background keeps the host (intents.ts).
      const unresolved = unresolvedIntents(ctx.database);
      if (unresolved) await unresolved;
      // Changes that overlapped an open one: deferred now if they may, else wait for a turn.
      for (const m of q.blocked.splice(0)) {
        if (!canDefer(q, m)) q.waiting.push(m);
        else if (!defer(q, m)) q.blocked.push(m);
      }
      // Deferred changes keep the host until applied; otherwise let waiting commands in.
      if (q.pending.length === 0 && q.blocked.length === 0) {
        q.holding = false;
        release();
        release = null;
      }
    }
  } finally {
    q.holding = false;
    release?.();
    q.draining = false;
  }
}

/** Reports of the networks `plan` asked for (each change stores its own). */
const own = (plan: HostPlan, reports: Reports): Reports =>
  Object.fromEntries(
    Object.keys(plan.request.networks).flatMap((n) => {
      const r = reports[n];
      return r ? [[n, r]] : [];
    }),
  );

/** One turn: the ready deferred changes plus `batch`'s. Returns the members for a later turn. */
async function turn(
  ctx: EngineServices,
  q: HostQueue,
  batch: readonly Member[],
  deferred: readonly Open[],
): Promise<Member[]> {
  const arrivals: Open[] = [...deferred];
  const later: Member[] = [];
  const settled: Promise<void>[] = deferred.map((o) => o.settled);
  for (const m of batch) {
    // tx 1 of each member runs now, one after the other, and calls hostStep synchronously
    // (runIntent does not await before its host step): after this loop every member that
    // has host work is in `arrivals`. A member touching an open change's names waits.
    const started = start(q, m, false);
    if (started === null) {
      later.push(m);
      continue;
    }
    if (started.open?.plan !== undefined) arrivals.push(started.open);
    settled.push(
      started.outcome.then(
        () => {
          m.resolve();
        },
        (e: unknown) => {
          m.reject(e);
        },
      ),
    );
  }
  if (arrivals.length > 0) await applyArrivals(ctx, q, arrivals);
  await Promise.all(settled);
  return later;
}

/** One apply for all; if it fails, one by one so the failure is the failing change's only. */
async function applyArrivals(
  ctx: EngineServices,
  q: HostQueue,
  arrivals: readonly Open[],
): Promise<void> {
  const planOf = (o: Open): HostPlan => o.plan as HostPlan;
  if (arrivals.length > 1) {
    try {
      const reports = await applyOnHost(ctx, mergePlans(arrivals.map(planOf)));
      for (const o of arrivals) o.resolve?.(own(planOf(o), reports));
      return;
    } catch {
      // The host layer rolled the combined request back: try each change alone.
    }
  }
  for (const o of arrivals) {
    try {
      o.resolve?.(await applyOnHost(ctx, planOf(o)));
    } catch (e) {
      // The changes that follow this one are undone before it (their rows sit on its rows).
      await cancelFollowers(q, o);
      o.reject?.(e);
    }
  }
}
