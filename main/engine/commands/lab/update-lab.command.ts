// SPDX-License-Identifier: Apache-2.0
/** UpdateLab: the description (the name is the lab file's key, so it does not change). */
import { labsRepo } from '../../../../db/repos/labs.repo';
import type { Lab } from '../../../contract/labs';
import { defineCommand } from '../../command';
import { notFound, valid } from '../../validation';
import { labLock } from './lab-rules';

export const UpdateLabCommand = defineCommand<'UpdateLab', Lab>({
  action: 'update',
  type: 'Lab',
  auditCode: 'USER_UPDATE_LAB',
  locks: (_ctx, input) => [labLock(input.id)],
  validate: (ctx, input) => {
    const lab = labsRepo.findById(ctx.database.db, input.id);
    if (!lab) throw notFound('lab', input.id);
    return valid(lab);
  },
  execute: (ctx, input, lab) => {
    const updated = ctx.database.transaction((tx) => {
      if (input.description !== undefined) labsRepo.update(tx, lab.id, input.description);
      return labsRepo.findById(tx, lab.id) ?? lab;
    });
    ctx.events.entity('lab', lab.id, 'updated');
    return Promise.resolve(updated);
  },
  subject: (input, lab) => ({ description: `Lab ${lab?.name ?? input.id}` }),
});
