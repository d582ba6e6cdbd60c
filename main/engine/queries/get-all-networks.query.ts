// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetAllNetworks` query. */
import { networksRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';

export const GetAllNetworks: Query<'GetAllNetworks'> = (ctx, i) =>
  networksRepo.list(ctx.database.db, i.dataCenterId);
