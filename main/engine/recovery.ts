// SPDX-License-Identifier: Apache-2.0
/**
 * Restart consistency. A command that died between its intent (tx 1) and its result (tx 2)
 * left a `command_intent` row; the recovery registered for its kind (recoveries.ts) undoes
 * exactly that command, database and host. Recovery never aborts start-up: a failure is
 * recorded as an error event (the audit log) and the engine serves on; activation and VM
 * reconciliation then align the rest. Commands resolve their intents before releasing their
 * locks (intents.ts), so the intents found here all belong to commands that died with the
 * previous process and restoring their rows cannot undo a later commit.
 */
import { hostsRepo } from '../../db/repos/hosts.repo';
import { type IntentRecord, intentsRepo } from '../../db/repos/intents.repo';
import { auditRepo } from '../../db/repos/users.repo';
import { STORAGE_INTENT_KINDS } from './commands/storage/storage-intents';
import type { EngineServices } from './context';
import { dropIntent, recoveries, restoreOnly, wasRestored } from './recoveries';

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Record an outcome of recovery in the audit log (never throws). */
export function recoveryEvent(
  services: EngineServices,
  severity: 'normal' | 'warning' | 'error',
  code: string,
  intent: Pick<IntentRecord, 'command' | 'hostId' | 'vmIds'> | null,
  text: string,
): void {
  try {
    const event = auditRepo.insert(services.database.db, {
      time: new Date().toISOString(),
      severity,
      code,
      description: `${text} (User: SYSTEM).`,
      user: 'SYSTEM',
      correlationId: null,
      dataCenterId: null,
      clusterId: null,
      hostId: intent?.hostId ?? null,
      networkId: null,
      vmId: intent?.vmIds[0] ?? null,
    });
    services.events.publish({ type: 'audit', event });
  } catch {
    // The audit log itself may be what is unavailable; start-up goes on regardless.
  }
}

/** Undo interrupted commands. Returns how many intents were found; never throws. */
export async function recoverInterruptedCommands(services: EngineServices): Promise<number> {
  let intents: IntentRecord[];
  try {
    intents = intentsRepo.list(services.database.db);
    // No setupNetworks can be running in a process that just started.
    services.database.transaction((tx) => {
      for (const h of hostsRepo.list(tx)) {
        if (h.networkOperationInProgress)
          hostsRepo.update(tx, h.id, { networkOperationInProgress: false });
      }
    });
  } catch (e) {
    recoveryEvent(
      services,
      'error',
      'ENGINE_RECOVERY_FAILED',
      null,
      `Recovery of interrupted commands could not read the database: ${describe(e)}`,
    );
    return 0;
  }
  // Newest first: intents over the same rows (a host-network change that followed another
  // one still open, host-network/coalesce.ts) are undone like an undo log.
  for (const intent of [...intents].reverse()) {
    // Storage intents are settled by storage start-up, which runs first (startStorage); any
    // still here belong to background jobs this process has just started (the bundled image's
    // copy). Restoring their empty snapshot and dropping them would leave that disk `locked`
    // for good if the process then died mid-copy.
    if ((STORAGE_INTENT_KINDS as readonly string[]).includes(intent.kind)) continue;
    const recover = recoveries[intent.kind] ?? restoreOnly;
    try {
      await recover(services, intent);
      recoveryEvent(
        services,
        'warning',
        'ENGINE_COMMAND_RECOVERED',
        intent,
        `Command ${intent.command} (${intent.kind}) was interrupted by an engine stop and has been undone`,
      );
    } catch (e) {
      recoveryEvent(
        services,
        'error',
        'ENGINE_RECOVERY_FAILED',
        intent,
        `Recovery of the interrupted command ${intent.command} (${intent.kind}) failed: ${describe(e)}`,
      );
      // The database part is done or will be retried at the next start; a host part that
      // failed is reported above and left to activation and to the administrator.
      try {
        const still = intentsRepo.list(services.database.db).some((i) => i.id === intent.id);
        if (still && wasRestored(intent)) dropIntent(services, intent);
      } catch {
        // Database unavailable: the intent stays and the next start tries again.
      }
    }
  }
  return intents.length;
}
