// SPDX-License-Identifier: Apache-2.0
/**
 * One host-network change under an intent (intents.ts), the way oVirt's
 * HostSetupNetworksCommand does it, with the database as the desired state:
 *
 *   tx 1  record intent: compensation snapshot + the new rows (plan.ts)
 *   ────  host I/O, outside any transaction (`hostStep`: alone, or with other changes of the
 *         same turn in one apply — coalesce.ts)
 *   tx 2  store what the host reports (in_sync, reported configurations), drop the intent
 *         — or, on a host failure, restore the snapshot so the database is exactly as before.
 */
import type { Tx } from '../../../db/client';
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { nowIso } from '../../../db/repos/rows';
import type { ReportedNetwork } from '../../../libvirt/host-agent';
import type { EngineServices } from '../context';
import { runIntent } from '../intents';
import type { HostNetworkChange } from './change';
import { refreshClusterNetworkStatus } from './cluster-status';
import { hostDesiredState } from './desired-state';
import { undoOnHost } from './host-step';
import { type ChangePlan, flagNetworkOperation, planChange } from './plan';
import { storeReports } from './reported';

export interface ChangeHooks {
  /**
   * Called in tx 1 with the on-host names the change touches and whether its host step is
   * bridges only (may throw to refuse).
   */
  claim(names: readonly string[], stackable: boolean): void;
  /** The host step. Called synchronously right after tx 1 committed (coalesce.ts relies on it). */
  hostStep(plan: ChangePlan): Promise<Record<string, ReportedNetwork>>;
  /** On-host names of other changes whose intents are open (their rows are theirs to report). */
  othersOpen?(): ReadonlySet<string>;
  /** Before the host step is undone (tx 2 failed): changes that followed this one go first. */
  beforeUndo?(): Promise<void>;
}

/** Attachments of the host that carry one of `names` (rows of other open changes). */
function attachmentsOf(tx: Tx, hostId: string, names: ReadonlySet<string>): Set<string> {
  if (names.size === 0) return new Set();
  return new Set(
    [...hostDesiredState(tx, hostId)].flatMap(([n, d]) => (names.has(n) ? [d.attachmentId] : [])),
  );
}

/**
 * Apply `change` to the database and the host with compensation (see the file comment).
 * @throws CommandFailure with the host's error code when the host refused or rolled back
 *   (the database is then exactly as before)
 */
export async function runChange(
  ctx: EngineServices,
  change: HostNetworkChange,
  hooks: ChangeHooks,
): Promise<void> {
  const beforeIds = await runIntent(ctx, {
    command: change.command,
    kind: 'host-networks',
    hostId: change.hostId,
    snapshots: [
      ['network_attachments', 'host_id', change.hostId],
      ['host_network_label', 'host_id', change.hostId],
      ...(change.snapshots ?? []),
    ],
    prepare: (tx) =>
      planChange(tx, change, (names, stackable) => {
        hooks.claim(names, stackable);
      }),
    host: (plan) => hooks.hostStep(plan),
    onCompensate: (tx) => {
      flagNetworkOperation(tx, change.hostId, false);
    },
    undoHost: async (plan) => {
      await hooks.beforeUndo?.();
      await undoOnHost(ctx, plan);
    },
    commit: (tx, reports, plan) => {
      storeReports(tx, change.hostId, reports ?? {});
      const others = attachmentsOf(tx, change.hostId, hooks.othersOpen?.() ?? new Set());
      for (const a of networkAttachmentsRepo.listByHost(tx, change.hostId)) {
        // Rows not sent to the host (unchanged, or host not reachable) keep their last report;
        // rows of a change still waiting for its apply stay configuring (coalesce.ts).
        if (a.status === 'configuring' && !others.has(a.id)) {
          networkAttachmentsRepo.report(tx, a.id, {
            inSync: a.inSync,
            reportedConfigurations: a.reportedConfigurations,
            reportedAt: a.reportedAt ?? nowIso(),
          });
        }
      }
      flagNetworkOperation(tx, change.hostId, false);
      const host = hostsRepo.findById(tx, change.hostId);
      if (host) refreshClusterNetworkStatus(tx, host.clusterId);
      return plan.beforeIds;
    },
  });
  const afterIds = new Set(
    networkAttachmentsRepo.listByHost(ctx.database.db, change.hostId).map((a) => a.id),
  );
  for (const id of afterIds)
    ctx.events.entity('network_attachment', id, beforeIds.has(id) ? 'updated' : 'added');
  for (const id of beforeIds)
    if (!afterIds.has(id)) ctx.events.entity('network_attachment', id, 'removed');
}
