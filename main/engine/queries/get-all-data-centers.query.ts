// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetAllDataCenters` query. */
import { dataCentersRepo } from '../../../db/repos/data-centers.repo';
import type { Query } from '../command';

export const GetAllDataCenters: Query<'GetAllDataCenters'> = (ctx) =>
  dataCentersRepo.list(ctx.database.db);
