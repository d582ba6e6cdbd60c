// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetAllVnicProfiles` query. */
import { vnicProfilesRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';

export const GetAllVnicProfiles: Query<'GetAllVnicProfiles'> = (ctx) =>
  vnicProfilesRepo.list(ctx.database.db);
