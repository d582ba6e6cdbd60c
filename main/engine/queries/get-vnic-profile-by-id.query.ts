// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetVnicProfileById` query. */
import { vnicProfilesRepo } from '../../../db/repos/networks.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetVnicProfileById: Query<'GetVnicProfileById'> = (ctx, i) =>
  must(vnicProfilesRepo.findById(ctx.database.db, i.id), 'vnic_profile', i.id);
