// SPDX-License-Identifier: Apache-2.0
/** What a command asks of the host-network entry (index.ts). */
import type { SnapshotTable, Tx } from '../../../db/client';
import type { SetupNetworksRequest } from '../../../libvirt/host-agent';
import type { SegmentChange } from '../segment/segment-services';

export interface HostNetworkChange {
  /** Command name, stored with the intent. */
  readonly command: string;
  readonly hostId: string;
  /** Rows beyond the host's attachments and labels that `mutate` changes. */
  readonly snapshots?: readonly (readonly [SnapshotTable, string, string])[];
  /** The database change (intent). Runs inside transaction 1. */
  mutate(tx: Tx): void;
  /** On-host names to re-apply even when unchanged (sync, repair). */
  readonly force?: readonly string[];
  /**
   * On-host names to remove even when the database no longer lists them (a removal that
   * follows an open change of the name; removing a bridge that is not there does nothing).
   */
  readonly removeOnHost?: readonly string[];
  /** Whether to talk to the host at all (false: the DB change is enough, e.g. host down). */
  readonly pushToHost: boolean;
  readonly commitOnSuccess?: boolean;
  /**
   * May the caller be answered after the database step when the host is busy, the host step
   * following in the host's next turn (coalesce.ts)? Only when this change is all the host work
   * of its command (one host), since a later failure undoes exactly this change.
   */
  readonly deferrable?: boolean;
}

/** A change to rows every host shares (a network's cluster link or its label). */
export interface SharedChange {
  /** The rows `mutate` changes, for compensation. */
  readonly snapshot: readonly [SnapshotTable, string, string];
  mutate(tx: Tx): void;
}

/** What one change does on the host, computed in transaction 1 (plan.ts). */
export interface HostPlan {
  /** Bridges to set up or remove. */
  readonly request: SetupNetworksRequest;
  /** What puts the host back if a later step fails after the host applied `request`. */
  readonly inverse: SetupNetworksRequest;
  /** DHCP/DNS segment services (issue 12) that follow. */
  readonly segments: readonly SegmentChange[];
  /** Persist the host's network configuration after applying (setupnetworks commit). */
  readonly commitOnSuccess: boolean;
}
