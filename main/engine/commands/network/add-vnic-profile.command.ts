// SPDX-License-Identifier: Apache-2.0
/** AddVnicProfile: VM networks only; names unique per network. */
import { randomUUID } from 'node:crypto';

import { networksRepo, vnicProfilesRepo } from '../../../../db/repos/networks.repo';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';

export const AddVnicProfileCommand = defineCommand<'AddVnicProfile', Network>({
  action: 'add',
  type: 'VM network interface profile',
  auditCode: 'ADD_VNIC_PROFILE',
  locks: (_ctx, input) => [lockKey.network(input.networkId)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const network = networksRepo.findById(c, input.networkId);
    if (!network) throw notFound('network', input.networkId);
    const failure = firstFailure(
      () =>
        failWith('ACTION_TYPE_FAILED_CANNOT_ADD_VNIC_PROFILE_TO_NON_VM_NETWORK').when(
          !network.vmNetwork,
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_VNIC_PROFILE_NAME_IN_USE').when(
          vnicProfilesRepo.listByNetwork(c, network.id).some((p) => p.name === input.name),
        ),
    );
    return failure ? invalid(failure) : valid(network);
  },
  execute: (ctx, input) => {
    const id = randomUUID();
    ctx.database.transaction((tx) => {
      vnicProfilesRepo.insert(tx, {
        id,
        name: input.name,
        networkId: input.networkId,
        description: input.description ?? '',
      });
    });
    ctx.events.entity('vnic_profile', id, 'added');
    const p = vnicProfilesRepo.findById(ctx.database.db, id);
    if (!p) throw notFound('vnic_profile', id);
    return Promise.resolve(p);
  },
  subject: (input) => ({ description: `vNIC profile ${input.name}`, networkId: input.networkId }),
});
