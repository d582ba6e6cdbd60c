// SPDX-License-Identifier: Apache-2.0
/** What commands and queries get: the database, the host agent, events, locks, the caller. */
import type { Database } from '../../db/client';
import type { HostAgent } from '../../libvirt/host-agent';
import type { Principal } from '../contract/common';
import type { Envelope } from '../contract/errors';
import type { OpInput, OpName, OpOutput } from '../contract/operations';
import type { EventBus } from './events';
import type { GraphicsTickets } from './graphics/tickets';
import type { LockManager } from './locks';
import type { RateTracker } from './statistics';

export interface EngineServices {
  readonly database: Database;
  readonly host: HostAgent;
  readonly events: EventBus;
  readonly locks: LockManager;
  readonly rates: RateTracker;
  /** Id of the local host (the only host an All-in-One engine manages). */
  readonly localHostId: string;
  readonly lockTimeoutMs: number;
  /** Directory for serial logs and other per-VM files. */
  readonly dataDir: string;
  /** Issue 16: one-time screen tickets, in memory (a restart ends them, as in oVirt). */
  readonly graphicsTickets: GraphicsTickets;
}

export interface EngineContext extends EngineServices {
  readonly principal: Principal;
  readonly correlationId: string | null;
  /** Report progress of a long action (a VM booting, a network being deployed). */
  progress(
    description: string,
    status: 'started' | 'running' | 'finished' | 'failed',
    fraction?: number,
  ): void;
  /**
   * oVirt's `runInternalAction`: another operation as the same caller, through the runner
   * (locks, validation, audit), for commands made of others (issue 15: a lab's start waves).
   * Absent in contexts built outside the runner (start-up recovery).
   */
  readonly runInternal?: <K extends OpName>(
    op: K,
    input: OpInput<K>,
  ) => Promise<Envelope<OpOutput<K>>>;
}
