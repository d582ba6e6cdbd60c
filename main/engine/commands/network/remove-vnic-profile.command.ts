// SPDX-License-Identifier: Apache-2.0
/** RemoveVnicProfile: refused while a vNIC uses it. */
import { vnicProfilesRepo } from '../../../../db/repos/networks.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { VnicProfile } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { failWith, invalid, notFound, valid } from '../../validation';

export const RemoveVnicProfileCommand = defineCommand<'RemoveVnicProfile', VnicProfile>({
  action: 'remove',
  type: 'VM network interface profile',
  auditCode: 'REMOVE_VNIC_PROFILE',
  locks: (ctx, input) => {
    const p = vnicProfilesRepo.findById(ctx.database.db, input.id);
    return [`vnic-profile:${input.id}`, ...(p ? [lockKey.network(p.networkId)] : [])];
  },
  validate: (ctx, input) => {
    const p = vnicProfilesRepo.findById(ctx.database.db, input.id);
    if (!p) throw notFound('vnic_profile', input.id);
    const users = vmsRepo.listUsingProfile(ctx.database.db, p.id).map((v) => v.name);
    const failure = failWith('ACTION_TYPE_FAILED_VNIC_PROFILE_IN_USE', {
      vmNames: users.join(', '),
    }).when(users.length > 0);
    return failure ? invalid(failure) : valid(p);
  },
  execute: (ctx, input) => {
    ctx.database.transaction((tx) => {
      vnicProfilesRepo.delete(tx, input.id);
    });
    ctx.events.entity('vnic_profile', input.id, 'removed');
    return Promise.resolve(null);
  },
  subject: (input, p) => ({
    description: `vNIC profile ${p?.name ?? input.id}`,
    networkId: p?.networkId ?? null,
  }),
});
