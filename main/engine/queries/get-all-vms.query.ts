// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetAllVms` query. */
import { vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';

export const GetAllVms: Query<'GetAllVms'> = (ctx) => vmsRepo.list(ctx.database.db);
