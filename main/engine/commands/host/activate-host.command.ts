// SPDX-License-Identifier: Apache-2.0
/**
 * ActivateHost — also run by the engine at start for the local host. Re-validates the host's
 * networks (see activation.ts); a host whose networks cannot be set up ends NonOperational.
 */
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import type { Host } from '../../../contract/hosts';
import { revalidateHostNetworks, storeCapabilities } from '../../activation';
import { defineCommand, lockKey } from '../../command';
import { hostFailure } from '../../intents';
import { withProgress } from '../../progress';
import { restoreSegmentServices } from '../../segment/segment-watch';
import { CommandFailure, failWith, invalid, notFound, valid } from '../../validation';

export const ActivateHostCommand = defineCommand<'ActivateHost', Host>({
  action: 'activate',
  type: 'Host',
  auditCode: 'VDS_ACTIVATE',
  locks: (_ctx, input) => [lockKey.host(input.hostId), lockKey.hostNetworks(input.hostId)],
  validate: (ctx, input) => {
    const host = hostsRepo.findById(ctx.database.db, input.hostId);
    if (!host) throw notFound('host', input.hostId);
    const f = failWith('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', {
      hostStatus: 'not Preparing for Maintenance',
    }).when(host.status === 'preparing_for_maintenance');
    return f ? invalid(f) : valid(host);
  },
  execute: async (ctx, input, host) => {
    const id = input.hostId;
    const setStatus = (status: Host['status'], statusDetail: string | null): void => {
      ctx.database.transaction((tx) => {
        hostsRepo.update(tx, id, { status, statusDetail });
      });
      ctx.events.entity('host', id, 'updated');
    };
    if (host.status !== 'up') setStatus('initializing', null);
    try {
      await withProgress(ctx, `Activating host ${host.name}`, async () => {
        const caps = await ctx.host.getCapabilities().catch((e: unknown) => {
          throw hostFailure(e);
        });
        storeCapabilities(ctx, id, caps);
        await revalidateHostNetworks(ctx, id, 'ActivateHost');
        // Issue 12: DHCP/DNS segment services come back with their bridges (never fails).
        await restoreSegmentServices(ctx, id);
      });
    } catch (e) {
      const detail =
        e instanceof CommandFailure ? String(e.failure.vars.detail ?? e.failure.code) : String(e);
      setStatus('non_operational', `Network setup failed: ${detail}`);
      throw e;
    }
    setStatus('up', null);
    const h = hostsRepo.findById(ctx.database.db, id);
    if (!h) throw notFound('host', id);
    return h;
  },
  subject: (input, host) => ({
    description: `Host ${host?.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
