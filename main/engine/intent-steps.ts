// SPDX-License-Identifier: Apache-2.0
/**
 * The database steps every recovery shares (see recoveries.ts): put an interrupted command's
 * rows back, then drop its intent. Apart from the registry of recoveries so that the commands
 * whose recoveries the registry lists can use them without an import cycle.
 */
import type { Tx } from '../../db/client';
import type { IntentRecord } from '../../db/repos/intents.repo';
import { intentsRepo } from '../../db/repos/intents.repo';
import type { EngineServices } from './context';

/** Recovery of one intent kind (see recoveries.ts). */
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
