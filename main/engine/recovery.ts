// SPDX-License-Identifier: Apache-2.0
/**
 * Restart consistency. A command that died between its intent (tx 1) and its result (tx 2)
 * left a `command_intent` row: restore its snapshot so the database is as before the command,
 * and remove from the host any network the command was creating that the restored database
 * does not want. Activation (re-validation) then re-creates what the database does want, and
 * VM reconciliation aligns VM statuses with the domains actually running.
 */
import { hostsRepo } from '../../db/repos/hosts.repo';
import { intentsRepo } from '../../db/repos/intents.repo';
import type { EngineServices } from './context';
import { hostDesiredState, hostFailure } from './host-networks';

/** Undo interrupted commands. Returns how many were recovered. */
export async function recoverInterruptedCommands(ctx: EngineServices): Promise<number> {
  const intents = intentsRepo.list(ctx.database.db);
  // No setupNetworks can be running in a process that just started.
  ctx.database.transaction((tx) => {
    for (const h of hostsRepo.list(tx)) {
      if (h.networkOperationInProgress)
        hostsRepo.update(tx, h.id, { networkOperationInProgress: false });
    }
  });
  for (const intent of intents) {
    ctx.database.transaction((tx) => {
      ctx.database.restoreInTransaction(intent.snapshot);
      intentsRepo.delete(tx, intent.id);
    });
    if (intent.hostId === null || intent.hostNetworks.length === 0) continue;
    const wanted = hostDesiredState(ctx.database.db, intent.hostId);
    const stray = intent.hostNetworks.filter((n) => !wanted.has(n));
    if (stray.length === 0) continue;
    await ctx.host
      .setupNetworks({
        networks: Object.fromEntries(stray.map((n) => [n, { remove: true as const }])),
      })
      .catch((e: unknown) => {
        throw hostFailure(e);
      });
  }
  return intents.length;
}
