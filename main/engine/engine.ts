// SPDX-License-Identifier: Apache-2.0
/**
 * Engine assembly: database, seed, local host registration, crash recovery, activation,
 * VM status from the host layer's domain events.
 *
 * Start-up is split in two (issue 14: first answer within 0.3 s). Before `startEngine`
 * resolves: the database (migrated) and its seed, and the local host's row — what the API
 * root and a login need. The rest is the start-up work: the admin password's scrypt hash,
 * storage start, recovery of interrupted commands, domain events, activation, the host check
 * and VM reconciliation. With `deferStartupWork` it runs after `startEngine` resolved, and
 * every operation except the API root's summary queries waits for it (`ready`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { openDatabase } from '../../db/client';
import { hostsRepo } from '../../db/repos/hosts.repo';
import { nowIso } from '../../db/repos/rows';
import { usersRepo } from '../../db/repos/users.repo';
import { vmsRepo } from '../../db/repos/vms.repo';
import type { ConsoleSession, DomainStateChange } from '../../libvirt/host-agent';
import type { Principal } from '../contract/common';
import { EngineError, type Envelope, errorEnvelope } from '../contract/errors';
import type { EngineEvent } from '../contract/events';
import type { OpInput, OpName, OpOutput } from '../contract/operations';
import type { VmStatus } from '../contract/vms';
import { reconcileVms } from './activation';
import { lockKey } from './command';
import { agentForVm } from './commands/host-lifecycle/on-host-agent';
import { startStorage, stopStorage } from './commands/storage/storage-startup';
import type { EngineContext, EngineServices } from './context';
import type { EngineOptions, InvokeOptions, StartedEngine } from './engine-types';
import { EventBus } from './events';
import { copyFreshDatabase } from './fresh-database';
import { GraphicsTickets } from './graphics/tickets';
import { checkHost, isUnreachable, monitorHost } from './host-monitor';
import { startRemoteHosts, stopRemoteHosts } from './hosts/remote-hosts';
import { LockManager } from './locks';
import { watchHostNetworks } from './network-watch';
import { reconcileOvnNetworks } from './ovn/ovn-reconcile';
import { UNKNOWN_USER_HASH, verifyPassword } from './password';
import { recoverInterruptedCommands } from './recovery';
import { errorBody, Runner } from './runner';
import { type PendingAdmin, registerLocalHost, seedDatabase, type Seeded } from './seed';
import { type SegmentWatch, watchSegments } from './segment/segment-watch';
import { markStartup } from './startup-trace';
import { RateTracker } from './statistics';
import { validateVmTransition } from './validators/vm.validator';

/** The engine's own identity for start-up work (activation, recovery) in the audit log. */
export const SYSTEM_PRINCIPAL: Principal = { userId: 'system', userName: 'SYSTEM', admin: true };

/**
 * What the API root (`GET /ovirt-engine/api`: the summary counts) reads: answered from the
 * database while the start-up work still runs, as oVirt answers while its hosts initialize.
 * Every other operation waits for the start-up work.
 */
const BEFORE_READY: ReadonlySet<OpName> = new Set<OpName>([
  'GetAllVms',
  'GetAllHosts',
  'GetAllStorageDomains',
]);

class EngineImpl implements StartedEngine {
  private readonly runner: Runner;
  private readonly pending = new Set<Promise<unknown>>();
  private unsubscribeDomains: () => void = () => undefined;
  private stopMonitor: () => void = () => undefined;
  /** Issue 12: keeps segment leases and names in step with VMs and vNICs. */
  private segmentWatch: SegmentWatch | null = null;
  private closed = false;
  /** Set once the start-up work ended (well or not); operations stop waiting then. */
  private started = false;
  private startupError: Error | null = null;
  /** The hash stored for {@link seededAdmin}, once it is. */
  private seededAdminHash: string | null = null;
  /** Resolves when the start-up work is done; rejects when it failed. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: EngineServices,
    readonly initialAdminPassword: string | null,
    /** admin@internal while its password hash is being computed (a new data dir). */
    private readonly seededAdmin: PendingAdmin | null,
  ) {
    this.runner = new Runner(services);
  }

  /** Runs the start-up work once; `ready` follows it. */
  startUp(work: (engine: EngineImpl) => Promise<void>): void {
    this.ready = work(this).then(
      () => {
        this.started = true;
      },
      (e: unknown) => {
        this.started = true;
        this.startupError = e instanceof Error ? e : new Error(String(e));
        throw this.startupError;
      },
    );
    // Whoever awaits `ready` sees the failure; operations answer it (see invoke).
    this.ready.catch(() => undefined);
  }

  /** Whether the engine is shutting down (start-up work stops between its steps). */
  get closing(): boolean {
    return this.closed;
  }

  /** Start-up's own operations (activation): not held back by the wait for start-up. */
  invokeDuringStartup<K extends OpName>(
    principal: Principal,
    op: K,
    input: OpInput<K>,
  ): Promise<Envelope<OpOutput<K>>> {
    return this.track(this.runner.invoke(principal, op, input));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  invoke<K extends OpName>(
    principal: Principal,
    op: K,
    input: OpInput<K>,
    options?: InvokeOptions,
  ): Promise<Envelope<OpOutput<K>>> {
    if (this.closed) {
      return Promise.resolve(
        errorEnvelope(
          errorBody(
            { code: 'ENGINE_INTERNAL_ERROR', vars: { detail: 'engine is shut down' } },
            { action: 'run', type: op },
          ),
        ),
      );
    }
    if (!this.started && !BEFORE_READY.has(op)) {
      return this.track(
        this.ready.then(
          () => this.invoke(principal, op, input, options),
          () => this.invoke(principal, op, input, options),
        ),
      );
    }
    if (this.startupError !== null) {
      return Promise.resolve({
        ok: false,
        error: errorBody(
          {
            code: 'ENGINE_INTERNAL_ERROR',
            vars: { detail: `engine start-up failed: ${this.startupError.message}` },
          },
          { action: 'run', type: op },
        ),
      });
    }
    return this.track(this.runner.invoke(principal, op, input, options));
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    return this.services.events.subscribe(listener);
  }

  async authenticate(user: string, password: string): Promise<Principal | null> {
    const at = user.lastIndexOf('@');
    const name = at < 0 ? user : user.slice(0, at);
    const domain = at < 0 ? 'internal' : user.slice(at + 1);
    const u = usersRepo.find(this.services.database.db, name, domain);
    const seeded = this.seededAdmin;
    if (
      seeded !== null &&
      name === seeded.name &&
      domain === seeded.domain &&
      (u === null ? this.seededAdminHash === null : u.passwordHash === this.seededAdminHash)
    ) {
      // A new data dir's admin (before or after its hash is stored, while it is unchanged):
      // no second scrypt, which would also keep 16 MiB in a malloc arena for good.
      if (!seeded.matches(password)) return null;
      return {
        userId: u?.id ?? seeded.id,
        userName: `${seeded.name}@${seeded.domain}`,
        admin: u?.admin ?? true,
      };
    }
    const matches = await verifyPassword(password, u?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!u || !matches) return null;
    return { userId: u.id, userName: `${u.name}@${u.domain}`, admin: u.admin };
  }

  /** The seeded admin's row is stored with this hash. */
  adminStored(hash: string): void {
    this.seededAdminHash = hash;
  }

  async openVmConsole(principal: Principal, vmId: string): Promise<ConsoleSession> {
    await this.ready.catch(() => undefined);
    const words = { action: 'connect to', type: 'console' };
    if (!principal.admin)
      throw new EngineError(
        errorBody({ code: 'USER_NOT_AUTHORIZED_TO_PERFORM_ACTION', vars: {} }, words),
      );
    const vm = vmsRepo.findById(this.services.database.db, vmId);
    if (!vm)
      throw new EngineError(
        errorBody({ code: 'ENTITY_NOT_FOUND', vars: { entity: 'vm', id: vmId } }, words),
      );
    const f = validateVmTransition(vm.status, 'stop');
    if (f) throw new EngineError(errorBody(f, words));
    try {
      // Issue 17: the console of the host the VM runs on (over its agent for a remote host).
      return await agentForVm(this.services, vmId).domainConsole(vmId);
    } catch (e) {
      throw new EngineError(
        errorBody(
          {
            // libvirtd down is "try again" (503), not a refusal of this console (issue 10).
            code: isUnreachable(e) ? 'HYPERVISOR_UNREACHABLE' : 'HYPERVISOR_ERROR',
            vars: { detail: e instanceof Error ? e.message : String(e) },
          },
          words,
        ),
      );
    }
  }

  /** VM status follows the host layer, except while a command holds the VM. */
  onDomainState(change: DomainStateChange): void {
    const { database, events, locks } = this.services;
    if (locks.isLocked(lockKey.vm(change.uuid))) return;
    const vm = vmsRepo.findById(database.db, change.uuid);
    if (!vm) return;
    const status: VmStatus = change.state;
    if (vm.status === status) return;
    database.transaction((tx) => {
      if (status === 'down')
        vmsRepo.update(tx, vm.id, {
          status,
          hostId: null,
          stopTime: nowIso(),
          stopReason: vm.stopReason ?? 'guest stopped',
        });
      else vmsRepo.update(tx, vm.id, { status, hostId: vm.hostId ?? this.services.localHostId });
    });
    events.entity('vm', vm.id, 'updated');
  }

  listenToDomains(): void {
    this.unsubscribeDomains = this.services.host.onDomainStateChange((c) => {
      try {
        this.onDomainState(c);
      } catch {
        // A late event after close, or a racing delete: nothing to update.
      }
    });
  }

  watchSegments(): void {
    this.segmentWatch = watchSegments(this.services);
  }

  monitorHost(intervalMs: number): void {
    this.stopMonitor = monitorHost(this.services, intervalMs);
    // Network drift from kernel events (issue 13 item 6), beside the liveness check.
    const stopWatch = watchHostNetworks(this.services);
    const stopLiveness = this.stopMonitor;
    this.stopMonitor = () => {
      stopLiveness();
      stopWatch();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Start-up work stops at its next step; what it started is stopped below.
    await this.ready.catch(() => undefined);
    this.unsubscribeDomains();
    this.stopMonitor();
    await stopRemoteHosts(this.services);
    await Promise.allSettled([...this.pending]);
    this.segmentWatch?.stop();
    await this.segmentWatch?.idle();
    await stopStorage(this.services);
    this.services.database.close();
  }
}

/** See `createEngine` in dispatch.ts. */
export async function startEngine(options: EngineOptions): Promise<StartedEngine> {
  markStartup('engine loaded');
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'engine.db');
  if (options.freshDatabase !== undefined) copyFreshDatabase(file, options.freshDatabase);
  const database = openDatabase(file);
  markStartup('database opened and migrated');
  let seeded: Seeded | null = null;
  try {
    seeded = seedDatabase(database, options.adminPassword);
    // On first start the host row needs a name: the caller's (compose knows the local host's),
    // else the agent's capabilities (a `virsh version` fork and a read of the host's links).
    let registration: { name: string; address: string } | null = null;
    if (hostsRepo.list(database.db).length === 0) {
      const address = options.hostAddress ?? (await options.hostAgent.getCapabilities()).hostname;
      registration = { name: options.hostName ?? address, address };
    }
    const localHostId = registerLocalHost(database, registration);
    markStartup('seeded');
    const services: EngineServices = {
      database,
      host: options.hostAgent,
      events: new EventBus(),
      locks: new LockManager(),
      rates: new RateTracker(),
      localHostId,
      lockTimeoutMs: options.lockTimeoutMs ?? 20_000,
      dataDir: options.dataDir,
      graphicsTickets: new GraphicsTickets(),
    };
    const { generated, pendingAdmin } = seeded;
    const engine = new EngineImpl(services, generated, pendingAdmin);
    engine.startUp(async (e) => {
      if (pendingAdmin !== null) {
        e.adminStored(await pendingAdmin.stored);
        markStartup('admin password hashed');
      }
      await startupWork(e, services, options);
    });
    if (options.deferStartupWork !== true) await engine.ready;
    return engine;
  } catch (e) {
    // A hash still being computed must not write into the closed database.
    await seeded?.pendingAdmin?.stored.catch(() => undefined);
    database.close();
    throw e;
  }
}

/**
 * Everything start-up does after the first answer is possible, in its order of old: storage
 * (its intents are settled first), generic recovery, domain events, segments, activation,
 * the host check, VM reconciliation, then monitoring. Stops between steps on shutdown.
 */
async function startupWork(
  engine: EngineImpl,
  services: EngineServices,
  options: EngineOptions,
): Promise<void> {
  const { localHostId, database } = services;
  // Storage (issue 11): its intents are settled first (roll forward/back on the host), then
  // the generic recovery; the local domain, partial sweep and bundled templates follow.
  const storageCtx: EngineContext = {
    ...services,
    principal: SYSTEM_PRINCIPAL,
    correlationId: null,
    progress: (description, status, fraction) => {
      services.events.publish({
        type: 'progress',
        jobId: 'storage-startup',
        description,
        status,
        fraction: fraction ?? null,
      });
    },
  };
  await startStorage(storageCtx, options.storageDir ?? join(options.dataDir, 'storage'));
  markStartup('storage started');
  if (engine.closing) return;
  await recoverInterruptedCommands(services);
  markStartup('interrupted commands recovered');
  // Issue 17: OVN networks' switches converged to the database (none: no OVN client runs).
  await reconcileOvnNetworks(services);
  if (engine.closing) return;
  engine.listenToDomains();
  engine.watchSegments();
  // The local host coming Up: re-validation of its networks (a failure leaves it NonOperational,
  // recorded in the audit log; the engine still starts so the admin can see and fix it).
  const host = hostsRepo.findById(database.db, localHostId);
  if (host && host.status !== 'maintenance') {
    await engine.invokeDuringStartup(SYSTEM_PRINCIPAL, 'ActivateHost', { hostId: localHostId });
  }
  markStartup('host activated');
  if (engine.closing) return;
  // libvirtd down at start-up must not keep the engine down (issue 10): the host is marked
  // non_responsive now, not one monitor interval later, and comes back up by itself.
  await checkHost(services);
  await reconcileVms(services, localHostId).catch(() => []);
  markStartup('host checked, VMs reconciled');
  if (engine.closing) return;
  engine.monitorHost(options.hostCheckIntervalMs ?? 5_000);
  // Issue 17: remote hosts — the CA, the enrollment endpoint, monitoring every second. Their
  // activations run as start-up's own operations (they must not wait for start-up to end).
  await startRemoteHosts(services, {
    ...(options.hostEnrollmentListen ? { enrollmentListen: options.hostEnrollmentListen } : {}),
    ...(options.remoteHostCheckIntervalMs
      ? { checkIntervalMs: options.remoteHostCheckIntervalMs }
      : {}),
    connect: options.connectRemoteHost ?? null,
    runAsSystem: (op, input) => engine.invokeDuringStartup(SYSTEM_PRINCIPAL, op, input),
  });
  markStartup('remote hosts started');
}
