// SPDX-License-Identifier: Apache-2.0
/**
 * The engine's public shapes — what dispatch.ts hands to its transports and what the engine
 * and its runner implement. Apart from dispatch.ts so that engine.ts and runner.ts can use
 * them without importing dispatch.ts, which imports them (no import cycle, issue 14).
 */
import type { ConsoleSession, HostAgent, RemoteHostAgentFactory } from '../../libvirt/host-agent';
import type { Envelope, OpInput, OpName, OpOutput, Principal } from '../contract';
import type { EngineEvent } from '../contract/events';

export interface Engine {
  /**
   * Run one operation: authorize → parse input (zod) → lock → validate → execute → audit →
   * publish. Never throws: every failure is an `{ ok: false, error }` envelope whose `code`
   * is an oVirt key (see main/contract/messages.ts) and whose category gives the HTTP status.
   */
  invoke<K extends OpName>(
    principal: Principal,
    op: K,
    input: OpInput<K>,
    options?: InvokeOptions,
  ): Promise<Envelope<OpOutput<K>>>;

  /** Entity changes, progress and audit entries, in order. Returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;

  /** Check `user@domain` + password (scrypt). Returns null on any mismatch. */
  authenticate(user: string, password: string): Promise<Principal | null>;

  /**
   * Open the serial console of a running VM.
   * @throws EngineError ENTITY_NOT_FOUND, ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING
   */
  openVmConsole(principal: Principal, vmId: string): Promise<ConsoleSession>;

  /** Stop listening to the host, wait for running commands, close the database. */
  close(): Promise<void>;
}

export interface InvokeOptions {
  /** oVirt `correlation_id`: stored with the audit entries of this call. */
  readonly correlationId?: string;
  /** Validate only, execute nothing (oVirt's validateOnly). */
  readonly validateOnly?: boolean;
}

export interface EngineOptions {
  /** Directory holding `engine.db` (created if missing). */
  readonly dataDir: string;
  readonly hostAgent: HostAgent;
  /**
   * Password for `admin@internal` on a new database. Ignored when the user exists.
   * When absent on a new database a random one is generated and returned in
   * `Engine.initialAdminPassword` (the caller prints/stores it).
   */
  readonly adminPassword?: string;
  /** Host name shown for the local host; default: the agent's hostname. */
  readonly hostName?: string;
  /** Lock wait before ACTION_TYPE_FAILED_OBJECT_LOCKED, ms (oVirt: 20 s for setup networks). */
  readonly lockTimeoutMs?: number;
  /** How often the hypervisor is asked whether it answers (host `non_responsive`), ms. */
  readonly hostCheckIntervalMs?: number;
  /** Directory of the local data storage domain `local` (first start only); default `<dataDir>/storage`. */
  readonly storageDir?: string;
  /**
   * The local host's own name (its `hostname`), when the caller knows it: registering the host
   * on first start then does not wait for the agent's capabilities. Default: the agent's.
   */
  readonly hostAddress?: string;
  /**
   * Resolve once the database is open and seeded, before the start-up work (storage start,
   * recovery, activation, monitoring) is done; operations wait for it (`ready`). Default:
   * resolve after the start-up work.
   */
  readonly deferStartupWork?: boolean;
  /**
   * A migrated empty engine.db a new data dir starts from when it fits this engine's
   * migrations (see fresh-database.ts); absent or unfit: the migrations run.
   */
  readonly freshDatabase?: string;
  /**
   * Issue 17: `host:port` where remote hosts enroll (TLS, the engine CA in the chain); absent =
   * hosts can be added but cannot enroll until the engine listens.
   */
  readonly hostEnrollmentListen?: string;
  /**
   * Issue 17: how the engine connects to a remote host's agent (libvirt/agent-server/client.ts,
   * given by the composition root); absent = remote hosts cannot be added.
   */
  readonly connectRemoteHost?: RemoteHostAgentFactory;
  /** Issue 17: how often remote hosts are pinged (non_responsive detection), ms; default 1000. */
  readonly remoteHostCheckIntervalMs?: number;
}

export interface StartedEngine extends Engine {
  /** Set only when the engine generated the admin password on a new database. */
  readonly initialAdminPassword: string | null;
  /**
   * Resolves when the start-up work is done (at once unless `deferStartupWork`); rejects when
   * it failed (operations then answer ENGINE_INTERNAL_ERROR).
   */
  readonly ready: Promise<void>;
}
