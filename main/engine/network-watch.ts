// SPDX-License-Identifier: Apache-2.0
/**
 * Continuous drift watch (issue 13 item 6): the host agent reports, from kernel events, which
 * of its networks changed (an address added, the bridge set down, a foreign port enslaved, an
 * isolation sysctl changed); the engine re-reads just those networks, stores the report
 * (`in_sync`, reported configurations with what differs) and publishes `network_attachment`
 * events, so the web UI shows the drift within seconds. Repair stays an explicit act (Sync,
 * activation, engine start), as in oVirt: the watch never touches the host.
 */
import { hostsRepo } from '../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../db/repos/network-attachments.repo';
import type { EngineServices } from './context';
import { hostDesiredState, storeReports } from './host-networks';

/** Delay before a burst of changes is read back, ms; also the retry delay while a command runs. */
const SETTLE_MS = 250;

/**
 * Watch the local host's networks until the returned function is called. No-op (returns a no-op)
 * when the host agent cannot watch.
 */
export function watchHostNetworks(ctx: EngineServices, settleMs = SETTLE_MS): () => void {
  if (!ctx.host.onNetworkChange) return () => undefined;
  const hostId = ctx.localHostId;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stopped = false;

  const schedule = (): void => {
    if (stopped || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, settleMs);
    timer.unref();
  };

  const refresh = async (): Promise<void> => {
    if (running || stopped) {
      schedule();
      return;
    }
    const host = hostsRepo.findById(ctx.database.db, hostId);
    // A command is changing the host's networks: it stores its own read-back; look afterwards.
    if (!host || host.networkOperationInProgress) {
      schedule();
      return;
    }
    const desired = hostDesiredState(ctx.database.db, hostId);
    const names = [...pending].filter((n) => desired.has(n));
    pending = new Set();
    if (names.length === 0) return;
    running = true;
    try {
      const reports = await ctx.host.reportNetworks(names);
      if (stopped) return;
      const before = new Map(
        networkAttachmentsRepo
          .listByHost(ctx.database.db, hostId)
          .map((a) => [a.id, JSON.stringify([a.inSync, a.reportedConfigurations])]),
      );
      ctx.database.transaction((tx) => {
        storeReports(tx, hostId, reports);
      });
      for (const a of networkAttachmentsRepo.listByHost(ctx.database.db, hostId)) {
        if (before.get(a.id) !== JSON.stringify([a.inSync, a.reportedConfigurations]))
          ctx.events.entity('network_attachment', a.id, 'updated');
      }
    } catch {
      // Host or database busy: the next change, activation or sync reads it again.
    } finally {
      running = false;
    }
  };

  const unsubscribe = ctx.host.onNetworkChange((networks) => {
    for (const n of networks) pending.add(n);
    schedule();
  });
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    unsubscribe();
  };
}
