// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetVmById` query. */
import { vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetVmById: Query<'GetVmById'> = (ctx, i) =>
  must(vmsRepo.findById(ctx.database.db, i.id), 'vm', i.id);
