// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetDataCenterById` query. */
import { dataCentersRepo } from '../../../db/repos/data-centers.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetDataCenterById: Query<'GetDataCenterById'> = (ctx, i) =>
  must(dataCentersRepo.findById(ctx.database.db, i.id), 'data_center', i.id);
