// SPDX-License-Identifier: Apache-2.0
/** The audit log, newest first. */
import { auditRepo } from '../../../db/repos/users.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetEvents: Query<'GetEvents'> = (ctx, i) =>
  auditRepo.list(ctx.database.db, i.after ?? 0, i.max ?? 1000);

/** One audit event by its id; older events than the newest 1000 included. */
export const GetEventById: Query<'GetEventById'> = (ctx, i) =>
  must(auditRepo.findById(ctx.database.db, i.id), 'event', String(i.id));
