// SPDX-License-Identifier: Apache-2.0
import { hostsRepo } from '../../../db/repos/hosts.repo';
import type { IntentRecord } from '../../../db/repos/intents.repo';
import type { EngineServices } from '../context';
import { dropIntent, restoreIntent } from '../intent-steps';
import { hostFailure } from '../intents';
import { recoverSegmentServices } from '../segment/segment-services';
import { hostDesiredState } from './desired-state';

/**
 * Recovery of a `host-networks` intent (see recoveries.ts): restore the rows, then make each
 * network the command touched match the restored database on the host, one network per
 * request so one refusal does not block the others. The host layer refuses to remove a
 * bridge it does not own (it records ownership before creating one), so a device this
 * product did not create is never touched. Changes applied together in one turn each left
 * their own intent over disjoint networks (coalesce.ts), so each is recovered alone.
 * @throws Error listing every network the host refused
 */
export async function recoverHostNetworks(
  ctx: EngineServices,
  intent: IntentRecord,
): Promise<void> {
  restoreIntent(ctx, intent, (tx) => {
    if (intent.hostId !== null)
      hostsRepo.update(tx, intent.hostId, { networkOperationInProgress: false });
  });
  const problems: string[] = [];
  if (intent.hostId !== null) {
    const wanted = hostDesiredState(ctx.database.db, intent.hostId);
    for (const name of intent.hostNetworks) {
      const setup = wanted.get(name)?.setup;
      try {
        await ctx.host.setupNetworks({ networks: { [name]: setup ?? { remove: true } } });
      } catch (e) {
        const f = hostFailure(e);
        problems.push(`${name}: ${f.message}`);
      }
    }
    // Segment services (issue 12) of those networks, as the restored database wants them.
    problems.push(...(await recoverSegmentServices(ctx, intent.hostId, intent.hostNetworks)));
  }
  dropIntent(ctx, intent);
  if (problems.length > 0)
    throw new Error(`the host did not take back every network: ${problems.join('; ')}`);
}
