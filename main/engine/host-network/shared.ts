// SPDX-License-Identifier: Apache-2.0
import type { Tx } from '../../../db/client';
import type { EngineServices } from '../context';
import type { SharedChange } from './change';
import { applyHostNetworks } from './entry';

/**
 * Change shared rows and, host by host, each host's networks accordingly (through
 * {@link applyHostNetworks}). The shared change rides in the first host's intent, so a failure
 * there restores it with the host's rows; with no host involved it is one plain transaction.
 * Each host done gets an `updated` event; the first failure stops the loop and propagates.
 */
export async function applySharedToHosts(
  ctx: EngineServices,
  command: string,
  shared: SharedChange,
  hostIds: readonly string[],
  perHost: { mutate(tx: Tx, hostId: string): void; pushToHost(hostId: string): boolean },
): Promise<void> {
  if (hostIds.length === 0) {
    ctx.database.transaction((tx) => {
      shared.mutate(tx);
    });
  }
  for (const [i, hostId] of hostIds.entries()) {
    await applyHostNetworks(ctx, {
      command,
      hostId,
      snapshots: i === 0 ? [shared.snapshot] : [],
      mutate: (tx) => {
        if (i === 0) shared.mutate(tx);
        perHost.mutate(tx, hostId);
      },
      pushToHost: perHost.pushToHost(hostId),
      // One host: its change is the command's whole host work, so it may follow after the
      // answer (oVirt's cluster commands run the hosts' setup as internal commands).
      deferrable: hostIds.length === 1,
    });
    ctx.events.entity('host', hostId, 'updated');
  }
}
