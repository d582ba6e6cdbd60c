// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetVnicProfilesByNetworkId` query. */
import { networksRepo, vnicProfilesRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetVnicProfilesByNetworkId: Query<'GetVnicProfilesByNetworkId'> = (ctx, i) => {
  must(networksRepo.findById(ctx.database.db, i.networkId), 'network', i.networkId);
  return vnicProfilesRepo.listByNetwork(ctx.database.db, i.networkId);
};
