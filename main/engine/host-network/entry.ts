// SPDX-License-Identifier: Apache-2.0
/**
 * The single entry through which every command that changes host networking goes (as oVirt
 * funnels them through HostSetupNetworks): compute the desired setup and diff it (plan.ts),
 * apply it under the host's network lock (host-step.ts), read back and store what the host
 * reports (reported.ts), compensate on failure (apply.ts, intents.ts).
 */
import { lockKey } from '../command';
import type { EngineServices } from '../context';
import { holdsLock } from '../held-locks';
import { remoteHostsOf } from '../hosts/remote-hosts';
import { runChange } from './apply';
import type { HostNetworkChange } from './change';
import { applyInTurn } from './coalesce';
import { applyOnHost } from './host-step';

/**
 * Apply `change` to the database and the host with compensation. A command that holds the
 * host's network lock for its whole run (host commands, activation) applies at once; any other
 * waits for the host's next turn and is applied together with the changes waiting with it; a
 * `deferrable` change that finds the host busy is answered after its database step and applied
 * in that turn (coalesce.ts).
 * @throws CommandFailure with the host's error code when the host refused or rolled back
 *   (the database is then exactly as before)
 */
export function applyHostNetworks(
  services: EngineServices,
  change: HostNetworkChange,
): Promise<void> {
  // Issue 17: the change goes to the agent of the host it is for (a remote host's over TLS),
  // whichever host's context the command runs in.
  const agent = remoteHostsOf(services)?.agentFor(change.hostId);
  const ctx = agent ? { ...services, host: agent } : services;
  if (holdsLock(lockKey.hostNetworks(change.hostId))) {
    return runChange(ctx, change, {
      claim: () => undefined,
      hostStep: (plan) => applyOnHost(ctx, plan),
    });
  }
  return applyInTurn(ctx, change, { deferrable: change.deferrable ?? false });
}
