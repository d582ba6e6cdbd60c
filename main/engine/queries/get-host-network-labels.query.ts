// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetHostNetworkLabels` query. */
import { hostLabelsRepo, hostsRepo } from '../../../db/repos/hosts.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetHostNetworkLabels: Query<'GetHostNetworkLabels'> = (ctx, i) => {
  must(hostsRepo.findById(ctx.database.db, i.hostId), 'host', i.hostId);
  return hostLabelsRepo.listByHost(ctx.database.db, i.hostId);
};
