// SPDX-License-Identifier: Apache-2.0
/**
 * AddHost (oVirt's AddVds, `POST /hosts` with name and address): registers a remote host in
 * the local host's cluster, `installing` until its agent enrolls with the one-time token this
 * command answers (oVirt deploys over SSH instead; here the host pulls its certificate).
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';

import { hostRemoteRepo } from '../../../../db/repos/host-remote.repo';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import type { HostEnrollment } from '../../../contract/host-lifecycle';
import { defineCommand } from '../../command';
import { DEFAULT_AGENT_PORT, remoteHostsOf } from '../../hosts/remote-hosts';
import { CommandFailure, failWith, firstFailure, invalid, valid } from '../../validation';
import { enrollmentOf, newToken, recordToken } from './enrollment';

/** oVirt's `VdsStatic.name` limit. */
export const HOST_NAME_MAX_LENGTH = 255;
/** RFC 1123 host name. */
const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const isHostAddress = (a: string): boolean => isIP(a) !== 0 || HOSTNAME.test(a);

interface Plan {
  readonly clusterId: string;
  readonly port: number;
}

export const AddHostCommand = defineCommand<'AddHost', Plan>({
  action: 'add',
  type: 'Host',
  auditCode: 'USER_ADD_VDS',
  locks: (_ctx, input) => [`host-name:${input.name}`, `host-address:${input.address}`],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const hosts = hostsRepo.list(c);
    const sameAddress = hosts.find((h) => h.address === input.address);
    const local = hostsRepo.findById(c, ctx.localHostId);
    const f = firstFailure(
      () => failWith('ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY').when(input.name.trim() === ''),
      () =>
        failWith('ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG', {
          maxLength: HOST_NAME_MAX_LENGTH,
        }).when(input.name.length > HOST_NAME_MAX_LENGTH),
      () =>
        failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(
          hosts.some((h) => h.name === input.name),
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_HOST_ADDRESS_INVALID', { address: input.address }).when(
          !isHostAddress(input.address),
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_VDS_WITH_SAME_HOST_EXIST', {
          hostName: sameAddress?.name ?? '',
        }).when(sameAddress !== undefined),
    );
    if (f) return invalid(f);
    // One cluster in an All-in-One engine: the local host's (oVirt requires `cluster`).
    return valid({
      clusterId: local?.clusterId ?? hosts[0]?.clusterId ?? '',
      port: input.port ?? DEFAULT_AGENT_PORT,
    });
  },
  execute: async (ctx, input, plan): Promise<HostEnrollment> => {
    const remote = remoteHostsOf(ctx);
    if (!remote?.enabled)
      throw new CommandFailure('ENGINE_INTERNAL_ERROR', {
        detail: 'remote hosts are not enabled in this engine',
      });
    // The CA first (first remote host only): if openssl fails, nothing was recorded.
    await remote.ensurePki();
    const id = randomUUID();
    const token = newToken();
    const expiresAt = ctx.database.transaction((tx) => {
      hostsRepo.insert(tx, {
        id,
        name: input.name,
        address: input.address,
        clusterId: plan.clusterId,
        status: 'installing',
        statusDetail: 'waiting for the host agent to enroll with its token',
      });
      hostRemoteRepo.insert(tx, { hostId: id, port: plan.port });
      return recordToken(tx, id, token);
    });
    ctx.events.entity('host', id, 'added');
    const host = hostsRepo.findById(ctx.database.db, id);
    if (!host) throw new CommandFailure('ENTITY_NOT_FOUND', { entity: 'host', id });
    return enrollmentOf(remote, host, plan.port, token, expiresAt);
  },
  subject: (input) => ({ description: `Host ${input.name}` }),
});
