// SPDX-License-Identifier: Apache-2.0
/**
 * RenewHostEnrollment (`POST /hosts/{id}/enroll`, an AIO action): a new one-time token for a
 * remote host — its token expired, or the host was reinstalled. The old token stops working;
 * the current certificate keeps working until the host enrolls again.
 */
import { hostRemoteRepo } from '../../../../db/repos/host-remote.repo';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import type { HostEnrollment } from '../../../contract/host-lifecycle';
import type { Host } from '../../../contract/hosts';
import { defineCommand, lockKey } from '../../command';
import { remoteHostsOf } from '../../hosts/remote-hosts';
import { CommandFailure, failWith, invalid, notFound, valid } from '../../validation';
import { enrollmentOf, newToken, recordToken } from './enrollment';

export const RenewHostEnrollmentCommand = defineCommand<'RenewHostEnrollment', Host>({
  action: 'enroll',
  type: 'Host',
  auditCode: 'VDS_ENROLLMENT_TOKEN_ISSUED',
  locks: (_ctx, input) => [lockKey.host(input.hostId)],
  validate: (ctx, input) => {
    const host = hostsRepo.findById(ctx.database.db, input.hostId);
    if (!host) throw notFound('host', input.hostId);
    const f = failWith('VDS_CANNOT_REMOVE_LOCAL_HOST').when(
      !hostRemoteRepo.find(ctx.database.db, host.id),
    );
    return f ? invalid(f) : valid(host);
  },
  execute: (ctx, input, host): Promise<HostEnrollment> => {
    const remote = remoteHostsOf(ctx);
    const row = hostRemoteRepo.find(ctx.database.db, input.hostId);
    if (!remote || !row)
      throw new CommandFailure('ENGINE_INTERNAL_ERROR', { detail: 'remote hosts are not enabled' });
    const token = newToken();
    const expiresAt = ctx.database.transaction((tx) => recordToken(tx, input.hostId, token));
    return enrollmentOf(remote, host, row.port, token, expiresAt);
  },
  subject: (input, host) => ({
    description: `Host ${host?.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
