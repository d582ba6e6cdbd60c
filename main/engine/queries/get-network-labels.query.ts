// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetNetworkLabels` query. */
import { networkLabelsRepo, networksRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetNetworkLabels: Query<'GetNetworkLabels'> = (ctx, i) => {
  must(networksRepo.findById(ctx.database.db, i.networkId), 'network', i.networkId);
  return networkLabelsRepo.listByNetwork(ctx.database.db, i.networkId);
};
