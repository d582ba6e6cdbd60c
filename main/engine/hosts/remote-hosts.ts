// SPDX-License-Identifier: Apache-2.0
/**
 * The engine's remote hosts (issue 17): one TLS connection per enrolled host, the host's
 * agent found by host id, and oVirt's host monitoring reduced to a ping every second. A host
 * that stops answering goes `non_responsive` within about two seconds and its VMs `unknown`
 * (never silently `down`: the engine does not know); when it answers again it is re-validated
 * by ActivateHost and its VMs take the state the host reports.
 *
 * The local host (no `host_remote` row) is not handled here: it stays as it is (host-monitor.ts).
 */
import { hostRemoteRepo } from '../../../db/repos/host-remote.repo';
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { auditRepo } from '../../../db/repos/users.repo';
import { ACTIVE_VM_STATUSES, vmsRepo } from '../../../db/repos/vms.repo';
import {
  DEFAULT_AGENT_PORT,
  type DomainStateChange,
  type RemoteHostAgent,
  type RemoteHostAgentFactory,
} from '../../../libvirt/host-agent';
import type { Envelope } from '../../contract/errors';
import type { HostStatus } from '../../contract/hosts';
import type { OpInput } from '../../contract/operations';
import { lockKey } from '../command';
import type { EngineServices } from '../context';
import { type EnrollmentServer, startEnrollmentServer } from './enrollment-server';
import { type EnginePki, ensureEnginePki } from './pki';

/** Runs an engine operation as SYSTEM (activation after enrollment or after a return). */
export type RunAsSystem = (
  op: 'ActivateHost',
  input: OpInput<'ActivateHost'>,
) => Promise<Envelope<unknown>>;

export interface RemoteHostsOptions {
  /** `host:port` the enrollment endpoint listens on; absent = no enrollment possible. */
  readonly enrollmentListen?: string;
  /** Monitoring round, ms (default 1000). */
  readonly checkIntervalMs?: number;
  /** A host not answering a ping within this is unreachable, ms (default 1500). */
  readonly pingTimeoutMs?: number;
  readonly runAsSystem: RunAsSystem;
  /** The remote agent client; null = this engine cannot reach remote hosts. */
  readonly connect: RemoteHostAgentFactory | null;
}

/** Statuses a host leaves for `non_responsive` when its agent stops answering (oVirt's set). */
const MONITORED: readonly HostStatus[] = ['up', 'non_operational', 'initializing', 'connecting'];

export class RemoteHosts {
  private readonly agents = new Map<string, RemoteHostAgent>();
  private enrollment: EnrollmentServer | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Hosts with an activation under way (started by the monitor), so it is asked once. */
  private readonly activating = new Set<string>();

  private pkiValue: EnginePki | null = null;
  private pkiLoading: Promise<EnginePki> | null = null;

  constructor(
    private readonly services: EngineServices,
    private readonly options: RemoteHostsOptions,
  ) {}

  /**
   * The engine CA and certificate, created on first need (the first remote host, or an
   * enrollment endpoint): an engine that never has a remote host never runs openssl.
   */
  ensurePki(): Promise<EnginePki> {
    this.pkiLoading ??= ensureEnginePki(this.services.dataDir).then((p) => {
      this.pkiValue = p;
      return p;
    });
    return this.pkiLoading;
  }

  /** `host:port` of the enrollment endpoint, or null when the engine does not listen. */
  get enrollmentAddress(): string | null {
    return this.enrollment?.address ?? null;
  }

  /** Can this engine reach remote hosts at all (a client was given)? */
  get enabled(): boolean {
    return this.options.connect !== null;
  }

  /** Is this a remote host (a host the engine reaches over the network)? */
  isRemote(hostId: string): boolean {
    return hostRemoteRepo.find(this.services.database.db, hostId) !== null;
  }

  /**
   * The agent serving `hostId`: the remote one for a remote host (connected on first use),
   * null for the local host or a host not enrolled yet.
   */
  agentFor(hostId: string): RemoteHostAgent | null {
    const existing = this.agents.get(hostId);
    if (existing) return existing;
    const remote = hostRemoteRepo.find(this.services.database.db, hostId);
    const host = hostsRepo.findById(this.services.database.db, hostId);
    const pki = this.pkiValue;
    const connect = this.options.connect;
    if (!remote || !host || !remote.certFingerprint || !pki || !connect) return null;
    const fingerprint = remote.certFingerprint;
    const agent = connect({
      hostId,
      address: host.address,
      port: remote.port,
      tls: { key: pki.key, cert: pki.cert, ca: pki.ca },
      certFingerprint: fingerprint,
    });
    this.agents.set(hostId, agent);
    // Issue 17: the host's domain events (its agent pushes them), as the local agent's are
    // followed by the engine: a VM on this host that stops shows `down`.
    agent.onDomainStateChange((change) => {
      try {
        this.onDomainState(hostId, change);
      } catch {
        // A late event after close, or a racing delete: nothing to update.
      }
    });
    return agent;
  }

  /**
   * A domain on `hostId` changed state: the VM placed there follows it, except while a
   * command holds the VM (that command records the outcome itself). A domain on this host
   * for a VM the engine placed elsewhere (or nowhere) is not this host's to report.
   */
  private onDomainState(hostId: string, change: DomainStateChange): void {
    const { database, events, locks } = this.services;
    if (this.stopped || locks.isLocked(lockKey.vm(change.uuid))) return;
    const vm = vmsRepo.findById(database.db, change.uuid);
    if (!vm || vm.hostId !== hostId || vm.status === change.state) return;
    database.transaction((tx) => {
      if (change.state === 'down')
        vmsRepo.update(tx, vm.id, {
          status: 'down',
          hostId: null,
          stopTime: new Date().toISOString(),
          stopReason: vm.stopReason ?? 'guest stopped',
        });
      else vmsRepo.update(tx, vm.id, { status: change.state });
    });
    events.entity('vm', vm.id, 'updated');
  }

  /** Forget a host's connection (removed, re-enrolled). */
  async drop(hostId: string): Promise<void> {
    const a = this.agents.get(hostId);
    this.agents.delete(hostId);
    await a?.close();
  }

  async start(): Promise<void> {
    const known = hostRemoteRepo.list(this.services.database.db).length > 0;
    this.reconnectAll();
    if (known || this.options.enrollmentListen) await this.ensurePki();
    if (this.options.enrollmentListen) {
      this.enrollment = await startEnrollmentServer(
        this.services,
        await this.ensurePki(),
        this.options.enrollmentListen,
        (hostId) => {
          // A new certificate: the old connection (if any) must not be reused.
          void this.drop(hostId);
        },
      );
    }
    this.schedule();
  }

  /**
   * Engine start: what a remote host did while the engine was away is not known, so every
   * enrolled host that was in service is `connecting` until its agent answers; then it is
   * re-validated and its VMs take the state it reports (or it goes `non_responsive`).
   */
  private reconnectAll(): void {
    const { database, events } = this.services;
    const changed: string[] = [];
    database.transaction((tx) => {
      for (const r of hostRemoteRepo.list(tx)) {
        const host = hostsRepo.findById(tx, r.hostId);
        if (!r.certFingerprint || !host || !MONITORED.includes(host.status)) continue;
        if (host.status === 'connecting') continue;
        hostsRepo.update(tx, r.hostId, { status: 'connecting', statusDetail: null });
        changed.push(r.hostId);
      }
    });
    for (const id of changed) events.entity('host', id, 'updated');
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.round().finally(() => {
        this.schedule();
      });
    }, this.options.checkIntervalMs ?? 1_000);
    this.timer.unref();
  }

  /** One monitoring round over every enrolled remote host, in parallel. */
  async round(): Promise<void> {
    const rows = hostRemoteRepo.list(this.services.database.db);
    await Promise.all(rows.filter((r) => r.certFingerprint).map((r) => this.check(r.hostId)));
  }

  private async check(hostId: string): Promise<void> {
    const agent = this.agentFor(hostId);
    if (!agent || this.stopped) return;
    let answered = true;
    try {
      await agent.ping(this.options.pingTimeoutMs ?? 1_500);
    } catch {
      answered = false;
    }
    if (this.stopped) return;
    const { database, locks } = this.services;
    // A command working on the host decides its status itself (activation, maintenance).
    if (locks.isLocked(lockKey.host(hostId))) return;
    const host = hostsRepo.findById(database.db, hostId);
    if (!host) return;
    if (!answered && MONITORED.includes(host.status)) {
      this.markNonResponsive(hostId);
      return;
    }
    if (answered && (host.status === 'non_responsive' || host.status === 'connecting')) {
      await this.activate(hostId);
    }
  }

  /** The host stopped answering: `non_responsive`, and its VMs `unknown`, in one transaction. */
  private markNonResponsive(hostId: string): void {
    const { database, events } = this.services;
    const vms: string[] = [];
    database.transaction((tx) => {
      const host = hostsRepo.findById(tx, hostId);
      if (!host) return;
      hostsRepo.update(tx, hostId, {
        status: 'non_responsive',
        statusDetail: 'the host agent does not answer',
      });
      for (const v of vmsRepo.list(tx)) {
        if (v.hostId !== hostId || !ACTIVE_VM_STATUSES.includes(v.status)) continue;
        vmsRepo.update(tx, v.id, { status: 'unknown' });
        vms.push(v.id);
      }
      const event = auditRepo.insert(tx, {
        time: new Date().toISOString(),
        severity: 'error',
        code: 'VDS_FAILURE',
        description: `Host ${host.name} is non responsive: the host agent does not answer.`,
        user: 'SYSTEM',
        correlationId: null,
        dataCenterId: null,
        clusterId: host.clusterId,
        hostId,
        networkId: null,
        vmId: null,
      });
      events.publish({ type: 'audit', event });
    });
    events.entity('host', hostId, 'updated');
    for (const id of vms) events.entity('vm', id, 'updated');
  }

  /** The host answers (again): re-validate it (ActivateHost), which also aligns its VMs. */
  private async activate(hostId: string): Promise<void> {
    if (this.activating.has(hostId)) return;
    this.activating.add(hostId);
    try {
      // Activation re-validates the host and then aligns its VMs (commands/host-lifecycle).
      await this.options.runAsSystem('ActivateHost', { hostId });
    } finally {
      this.activating.delete(hostId);
    }
  }

  /** VMs placed on a host take the state its agent reports; a VM it does not run is down. */
  async reconcileVms(hostId: string): Promise<void> {
    const agent = this.agentFor(hostId);
    if (!agent) return;
    const domains = await agent.domainList().catch(() => null);
    if (!domains) return;
    const state = new Map(domains.map((d) => [d.uuid, d.state]));
    const { database, events } = this.services;
    const changed: string[] = [];
    database.transaction((tx) => {
      for (const v of vmsRepo.list(tx)) {
        if (v.hostId !== hostId) continue;
        const s = state.get(v.id) ?? 'down';
        if (s === v.status) continue;
        if (s === 'down')
          vmsRepo.update(tx, v.id, {
            status: 'down',
            hostId: null,
            stopTime: new Date().toISOString(),
            stopReason: 'not running on the host',
          });
        else vmsRepo.update(tx, v.id, { status: s });
        changed.push(v.id);
      }
    });
    for (const id of changed) events.entity('vm', id, 'updated');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.enrollment?.close();
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
  }
}

const byDatabase = new WeakMap<object, RemoteHosts>();

/**
 * The remote hosts of an engine. Kept beside the engine's services (keyed by its database)
 * rather than in them, so commands reach it without the services shape changing.
 */
export function remoteHostsOf(services: EngineServices): RemoteHosts | null {
  return byDatabase.get(services.database) ?? null;
}

/** Create the CA (first start), listen for enrollments, start monitoring. */
export async function startRemoteHosts(
  services: EngineServices,
  options: RemoteHostsOptions,
): Promise<RemoteHosts> {
  const hosts = new RemoteHosts(services, options);
  byDatabase.set(services.database, hosts);
  await hosts.start();
  return hosts;
}

export async function stopRemoteHosts(services: EngineServices): Promise<void> {
  await byDatabase.get(services.database)?.stop();
  byDatabase.delete(services.database);
}

export { DEFAULT_AGENT_PORT };
