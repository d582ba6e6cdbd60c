// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveHost (oVirt's RemoveVds, `DELETE /hosts/{id}`): only a remote host, only in
 * Maintenance, NonResponsive or not yet enrolled, and only with no VM running on it. The
 * connection is closed before the row goes; its certificate is then unknown to the engine.
 */
import { deleteHost, hostRemoteRepo } from '../../../../db/repos/host-remote.repo';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { ACTIVE_VM_STATUSES, vmsRepo } from '../../../../db/repos/vms.repo';
import type { Host, HostStatus } from '../../../contract/hosts';
import { defineCommand, lockKey } from '../../command';
import { remoteHostsOf } from '../../hosts/remote-hosts';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';

const REMOVABLE: readonly HostStatus[] = ['maintenance', 'installing', 'non_responsive'];

export const RemoveHostCommand = defineCommand<'RemoveHost', Host>({
  action: 'remove',
  type: 'Host',
  auditCode: 'USER_REMOVE_VDS',
  locks: (_ctx, input) => [
    lockKey.host(input.hostId),
    lockKey.hostNetworks(input.hostId),
    'vm-run',
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const host = hostsRepo.findById(c, input.hostId);
    if (!host) throw notFound('host', input.hostId);
    const onIt = vmsRepo
      .list(c)
      .filter(
        (v) =>
          v.hostId === host.id && (ACTIVE_VM_STATUSES.includes(v.status) || v.status === 'unknown'),
      );
    const f = firstFailure(
      () =>
        failWith('VDS_CANNOT_REMOVE_LOCAL_HOST').when(
          host.id === ctx.localHostId || !hostRemoteRepo.find(c, host.id),
        ),
      () =>
        failWith('VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL', { hostStatus: host.status }).when(
          !REMOVABLE.includes(host.status),
        ),
      () =>
        failWith('VDS_CANNOT_REMOVE_HOST_WITH_VMS', {
          vmNames: onIt.map((v) => v.name).join(', '),
        }).when(onIt.length > 0),
    );
    return f ? invalid(f) : valid(host);
  },
  execute: async (ctx, input) => {
    await remoteHostsOf(ctx)?.drop(input.hostId);
    ctx.database.transaction((tx) => {
      deleteHost(tx, input.hostId);
    });
    ctx.events.entity('host', input.hostId, 'removed');
    return null;
  },
  subject: (input, host) => ({
    description: `Host ${host?.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
