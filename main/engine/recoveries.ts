// SPDX-License-Identifier: Apache-2.0
/**
 * What restart recovery does with an intent left by a command that died with the process,
 * per intent kind. A new kind of command = one recovery function (in its own file) + one line
 * in {@link recoveries}. Every recovery follows the same shape:
 *
 *   1. {@link restoreIntent}: the database rows the command changed go back as they were
 *      (the intent stays, so a crash during recovery recovers again);
 *   2. make the host match the restored database for exactly what the command touched
 *      (a host refusal is thrown: recovery.ts reports it as an error event and goes on);
 *   3. {@link dropIntent}.
 *
 * Intents without a registered kind are restored and dropped (database side only).
 */
import type { Tx } from '../../db/client';
import type { IntentRecord } from '../../db/repos/intents.repo';
import { intentsRepo } from '../../db/repos/intents.repo';
import { recoverVms } from './commands/vm/run-vm.command';
import type { EngineServices } from './context';
import { recoverHostNetworks } from './host-networks';

/** Recovery of one intent kind (see the file comment). */
export type Recovery = (services: EngineServices, intent: IntentRecord) => Promise<void>;

const restored = new WeakSet<IntentRecord>();

/** Whether {@link restoreIntent} already put this intent's rows back (in this process). */
export const wasRestored = (intent: IntentRecord): boolean => restored.has(intent);

/** Step 1: put back the rows the interrupted command changed; the intent stays. */
export function restoreIntent(
  services: EngineServices,
  intent: IntentRecord,
  extra?: (tx: Tx) => void,
): void {
  services.database.transaction((tx) => {
    services.database.restoreInTransaction(intent.snapshot);
    extra?.(tx);
  });
  restored.add(intent);
}

/** Step 3: the intent is resolved. */
export function dropIntent(services: EngineServices, intent: IntentRecord): void {
  services.database.transaction((tx) => {
    intentsRepo.delete(tx, intent.id);
  });
}

/** The database half only: for kinds without host work or without a registered recovery. */
export const restoreOnly: Recovery = (services, intent) => {
  restoreIntent(services, intent);
  dropIntent(services, intent);
  return Promise.resolve();
};

/** kind → recovery. Storage kinds add their line here. */
export const recoveries: Readonly<Record<string, Recovery>> = {
  'host-networks': recoverHostNetworks,
  vm: recoverVms,
};
