// SPDX-License-Identifier: Apache-2.0
/** Issue 17: OVN networks at engine start (apart from ovn-network.ts: recovery.ts imports it). */
import { networksRepo } from '../../../db/repos/networks.repo';
import type { EngineServices } from '../context';
import { recoveryEvent } from '../recovery';
import { rememberCentral, syncOvnNetwork } from './ovn-network';

/**
 * Start-up, after intent recovery: every OVN network's switch converged to the database (a
 * switch deleted behind the engine's back, or lost with the NB DB, comes back with its ports,
 * DHCP options and DNS). Only runs OVN clients when there are OVN networks.
 */
export async function reconcileOvnNetworks(services: EngineServices): Promise<number> {
  rememberCentral(services);
  const ovn = networksRepo.list(services.database.db).filter((n) => n.externalProviderId);
  for (const n of ovn) {
    try {
      await syncOvnNetwork(services, n);
    } catch (e) {
      // The engine still starts (the admin sees why in the events); the next start retries.
      recoveryEvent(
        services,
        'error',
        'ENGINE_RECOVERY_FAILED',
        null,
        `OVN network ${n.name}: its logical switch could not be restored: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return ovn.length;
}
