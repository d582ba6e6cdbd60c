// SPDX-License-Identifier: Apache-2.0
/**
 * Engine assembly: database, seed, local host registration, crash recovery, activation,
 * VM status from the host layer's domain events.
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
import { EngineError, type Envelope } from '../contract/errors';
import type { EngineEvent } from '../contract/events';
import type { OpInput, OpName, OpOutput } from '../contract/operations';
import type { VmStatus } from '../contract/vms';
import { reconcileVms } from './activation';
import { lockKey } from './command';
import { startStorage, stopStorage } from './commands/storage/storage-startup';
import type { EngineContext, EngineServices } from './context';
import type { EngineOptions, InvokeOptions, StartedEngine } from './engine-types';
import { EventBus } from './events';
import { GraphicsTickets } from './graphics/tickets';
import { checkHost, isUnreachable, monitorHost } from './host-monitor';
import { startRemoteHosts, stopRemoteHosts } from './hosts/remote-hosts';
import { LockManager } from './locks';
import { watchHostNetworks } from './network-watch';
import { UNKNOWN_USER_HASH, verifyPassword } from './password';
import { recoverInterruptedCommands } from './recovery';
import { errorBody, Runner } from './runner';
import { registerLocalHost, seedDatabase } from './seed';
import { type SegmentWatch, watchSegments } from './segment/segment-watch';
import { RateTracker } from './statistics';
import { validateVmTransition } from './validators/vm.validator';

/** The engine's own identity for start-up work (activation, recovery) in the audit log. */
export const SYSTEM_PRINCIPAL: Principal = { userId: 'system', userName: 'SYSTEM', admin: true };

class EngineImpl implements StartedEngine {
  private readonly runner: Runner;
  private readonly pending = new Set<Promise<unknown>>();
  private unsubscribeDomains: () => void = () => undefined;
  private stopMonitor: () => void = () => undefined;
  /** Issue 12: keeps segment leases and names in step with VMs and vNICs. */
  private segmentWatch: SegmentWatch | null = null;
  private closed = false;

  constructor(
    private readonly services: EngineServices,
    readonly initialAdminPassword: string | null,
  ) {
    this.runner = new Runner(services);
  }

  invoke<K extends OpName>(
    principal: Principal,
    op: K,
    input: OpInput<K>,
    options?: InvokeOptions,
  ): Promise<Envelope<OpOutput<K>>> {
    if (this.closed) {
      return Promise.resolve({
        ok: false,
        error: errorBody(
          { code: 'ENGINE_INTERNAL_ERROR', vars: { detail: 'engine is shut down' } },
          { action: 'run', type: op },
        ),
      });
    }
    const p = this.runner.invoke(principal, op, input, options);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    return this.services.events.subscribe(listener);
  }

  async authenticate(user: string, password: string): Promise<Principal | null> {
    const at = user.lastIndexOf('@');
    const name = at < 0 ? user : user.slice(0, at);
    const domain = at < 0 ? 'internal' : user.slice(at + 1);
    const u = usersRepo.find(this.services.database.db, name, domain);
    const matches = await verifyPassword(password, u?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!u || !matches) return null;
    return { userId: u.id, userName: `${u.name}@${u.domain}`, admin: u.admin };
  }

  async openVmConsole(principal: Principal, vmId: string): Promise<ConsoleSession> {
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
      return await this.services.host.domainConsole(vmId);
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
  mkdirSync(options.dataDir, { recursive: true });
  const database = openDatabase(join(options.dataDir, 'engine.db'));
  try {
    const generated = await seedDatabase(database, options.adminPassword);
    const caps = await options.hostAgent.getCapabilities();
    const localHostId = registerLocalHost(database, caps, options.hostName);
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
    const engine = new EngineImpl(services, generated);
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
    await recoverInterruptedCommands(services);
    engine.listenToDomains();
    engine.watchSegments();
    // The local host coming Up: re-validation of its networks (a failure leaves it NonOperational,
    // recorded in the audit log; the engine still starts so the admin can see and fix it).
    const host = hostsRepo.findById(database.db, localHostId);
    if (host && host.status !== 'maintenance') {
      await engine.invoke(SYSTEM_PRINCIPAL, 'ActivateHost', { hostId: localHostId });
    }
    // libvirtd down at start-up must not keep the engine down (issue 10): the host is marked
    // non_responsive now, not one monitor interval later, and comes back up by itself.
    await checkHost(services);
    await reconcileVms(services, localHostId).catch(() => []);
    engine.monitorHost(options.hostCheckIntervalMs ?? 5_000);
    // Issue 17: remote hosts — the CA, the enrollment endpoint, monitoring every second.
    await startRemoteHosts(services, {
      ...(options.hostEnrollmentListen ? { enrollmentListen: options.hostEnrollmentListen } : {}),
      ...(options.remoteHostCheckIntervalMs
        ? { checkIntervalMs: options.remoteHostCheckIntervalMs }
        : {}),
      connect: options.connectRemoteHost ?? null,
      runAsSystem: (op, input) => engine.invoke(SYSTEM_PRINCIPAL, op, input),
    });
    return engine;
  } catch (e) {
    database.close();
    throw e;
  }
}
