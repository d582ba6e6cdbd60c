// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetTemplateById` query. */
import { templatesRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetTemplateById: Query<'GetTemplateById'> = (ctx, i) =>
  must(templatesRepo.findById(ctx.database.db, i.id), 'template', i.id);
