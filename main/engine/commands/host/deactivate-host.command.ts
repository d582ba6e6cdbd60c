// SPDX-License-Identifier: Apache-2.0
/**
 * DeactivateHost (maintenance). With one host there is nowhere to migrate VMs to, so running
 * VMs block it (409). Networks stay on the host, as in oVirt.
 */
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { ACTIVE_VM_STATUSES, vmsRepo } from '../../../../db/repos/vms.repo';
import type { Host } from '../../../contract/hosts';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';

export const DeactivateHostCommand = defineCommand<'DeactivateHost', Host>({
  action: 'switch',
  type: 'Host to Maintenance mode',
  auditCode: 'VDS_MAINTENANCE',
  locks: (_ctx, input) => [
    lockKey.host(input.hostId),
    lockKey.hostNetworks(input.hostId),
    'vm-run',
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const host = hostsRepo.findById(c, input.hostId);
    if (!host) throw notFound('host', input.hostId);
    const running = vmsRepo
      .list(c)
      .filter((v) => v.hostId === host.id && ACTIVE_VM_STATUSES.includes(v.status));
    const f = firstFailure(
      () =>
        failWith('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', {
          hostStatus: 'Up, NonOperational or NonResponsive',
        }).when(!['up', 'non_operational', 'non_responsive', 'initializing'].includes(host.status)),
      () =>
        failWith('VDS_CANNOT_MAINTENANCE_VDS_RUNNING_VMS', {
          vmNames: running.map((v) => v.name).join(', '),
        }).when(running.length > 0),
    );
    return f ? invalid(f) : valid(host);
  },
  execute: (ctx, input) => {
    ctx.database.transaction((tx) => {
      hostsRepo.update(tx, input.hostId, {
        status: 'maintenance',
        statusDetail: input.reason ?? null,
      });
    });
    ctx.events.entity('host', input.hostId, 'updated');
    const h = hostsRepo.findById(ctx.database.db, input.hostId);
    if (!h) throw notFound('host', input.hostId);
    return Promise.resolve(h);
  },
  subject: (input, host) => ({
    description: `Host ${host?.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
