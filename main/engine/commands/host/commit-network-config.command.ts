// SPDX-License-Identifier: Apache-2.0
/** CommitNetworkConfig (`commitnetconfig`): persist the host's running network config. */
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import type { Host } from '../../../contract/hosts';
import { defineCommand, lockKey } from '../../command';
import { REACHABLE } from '../../host-network';
import { hostFailure } from '../../intents';
import { failWith, invalid, notFound, valid } from '../../validation';

export const CommitNetworkConfigCommand = defineCommand<'CommitNetworkConfig', Host>({
  action: 'commit',
  type: 'network configuration',
  auditCode: 'NETWORK_COMMINT_NETWORK_CHANGES',
  locks: (_ctx, input) => [lockKey.hostNetworks(input.hostId)],
  validate: (ctx, input) => {
    const host = hostsRepo.findById(ctx.database.db, input.hostId);
    if (!host) throw notFound('host', input.hostId);
    const f = failWith('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', {
      hostStatus: 'Up, Maintenance or NonOperational',
    }).when(!REACHABLE.includes(host.status));
    return f ? invalid(f) : valid(host);
  },
  execute: async (ctx) => {
    await ctx.host.commitNetworkConfig().catch((e: unknown) => {
      throw hostFailure(e);
    });
    return null;
  },
  subject: (input, host) => ({
    description: `Commit network configuration of host ${host?.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
