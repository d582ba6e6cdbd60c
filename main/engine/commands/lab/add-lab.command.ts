// SPDX-License-Identifier: Apache-2.0
/** AddLab: a named, empty lab (`aio lab apply` then attaches what it creates). */
import { randomUUID } from 'node:crypto';

import { labsRepo } from '../../../../db/repos/labs.repo';
import type { Lab } from '../../../contract/labs';
import { defineCommand } from '../../command';
import { failWith, invalid, valid } from '../../validation';
import { labNameLock, validateLabName } from './lab-rules';

export const AddLabCommand = defineCommand<'AddLab', null>({
  action: 'add',
  type: 'Lab',
  auditCode: 'USER_ADD_LAB',
  locks: (_ctx, input) => [labNameLock(input.name)],
  validate: (ctx, input) => {
    const bad = validateLabName(input.name);
    if (bad) return invalid(bad);
    const used = failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(
      labsRepo.findByName(ctx.database.db, input.name) !== null,
    );
    return used ? invalid(used) : valid(null);
  },
  execute: (ctx, input) => {
    const id = randomUUID();
    const lab = ctx.database.transaction((tx): Lab => {
      labsRepo.insert(tx, { id, name: input.name, description: input.description ?? '' });
      const created = labsRepo.findById(tx, id);
      if (!created) throw new Error(`lab ${id} vanished`);
      return created;
    });
    ctx.events.entity('lab', id, 'added');
    return Promise.resolve(lab);
  },
  subject: (input) => ({ description: `Lab ${input.name}` }),
});
