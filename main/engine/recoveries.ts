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
import { recoverVms } from './commands/vm/run-vm.command';
import { recoverHostNetworks } from './host-networks';
import type { Recovery } from './intent-steps';
import { recoverOvnNetwork } from './ovn/ovn-network';

export { dropIntent, type Recovery, restoreIntent, restoreOnly, wasRestored } from './intent-steps';

/** kind → recovery. Storage kinds add their line here. */
export const recoveries: Readonly<Record<string, Recovery>> = {
  'host-networks': recoverHostNetworks,
  vm: recoverVms,
  'ovn-network': recoverOvnNetwork,
};
