// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetHostNicsByHostId` query. */
import { hostNicsRepo, hostsRepo } from '../../../db/repos/hosts.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetHostNicsByHostId: Query<'GetHostNicsByHostId'> = (ctx, i) => {
  must(hostsRepo.findById(ctx.database.db, i.hostId), 'host', i.hostId);
  return hostNicsRepo.listByHost(ctx.database.db, i.hostId);
};
