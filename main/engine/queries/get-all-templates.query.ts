// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetAllTemplates` query. */
import { templatesRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';

export const GetAllTemplates: Query<'GetAllTemplates'> = (ctx) =>
  templatesRepo.list(ctx.database.db);
