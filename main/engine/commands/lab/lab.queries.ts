// SPDX-License-Identifier: Apache-2.0
/** Lab queries. */
import { labsRepo } from '../../../../db/repos/labs.repo';
import type { Query } from '../../command';
import { notFound } from '../../validation';
import { lastStart } from './lab-start-job';

export const GetAllLabs: Query<'GetAllLabs'> = (ctx) => labsRepo.list(ctx.database.db);

export const GetLabById: Query<'GetLabById'> = (ctx, input) => {
  const lab = labsRepo.findById(ctx.database.db, input.id);
  if (!lab) throw notFound('lab', input.id);
  return lab;
};

export const GetLabStartJob: Query<'GetLabStartJob'> = (ctx, input) => {
  const job = lastStart(ctx, input.id);
  if (!job) throw notFound('lab start', input.id);
  return job;
};
