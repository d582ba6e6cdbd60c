// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetAllClusters` query. */
import { clustersRepo } from '../../../db/repos/data-centers.repo';
import type { Query } from '../command';

export const GetAllClusters: Query<'GetAllClusters'> = (ctx) => clustersRepo.list(ctx.database.db);
