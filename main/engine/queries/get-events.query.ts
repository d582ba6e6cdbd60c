// SPDX-License-Identifier: Apache-2.0
/** The audit log, newest first. */
import { auditRepo } from '../../../db/repos/users.repo';
import type { Query } from '../command';

export const GetEvents: Query<'GetEvents'> = (ctx, i) =>
  auditRepo.list(ctx.database.db, i.after ?? 0, i.max ?? 1000);
