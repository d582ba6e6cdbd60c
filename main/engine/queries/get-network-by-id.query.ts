// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetNetworkById` query. */
import { networksRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetNetworkById: Query<'GetNetworkById'> = (ctx, i) =>
  must(networksRepo.findById(ctx.database.db, i.id), 'network', i.id);
