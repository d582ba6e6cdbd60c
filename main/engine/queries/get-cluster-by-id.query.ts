// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetClusterById` query. */
import { clustersRepo } from '../../../db/repos/data-centers.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetClusterById: Query<'GetClusterById'> = (ctx, i) =>
  must(clustersRepo.findById(ctx.database.db, i.id), 'cluster', i.id);
