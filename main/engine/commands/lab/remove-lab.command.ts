// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveLab: only an empty lab. Its networks and VMs are removed first, each by its own
 * command (locks, validation, host work, compensation): `aio lab destroy` and the Labs page
 * do that, then remove the lab. Removing a lab never removes what it does not hold.
 */
import { labsRepo } from '../../../../db/repos/labs.repo';
import type { Lab } from '../../../contract/labs';
import { defineCommand } from '../../command';
import { failWith, invalid, notFound, valid } from '../../validation';
import { labLock } from './lab-rules';

export const RemoveLabCommand = defineCommand<'RemoveLab', Lab>({
  action: 'remove',
  type: 'Lab',
  auditCode: 'USER_REMOVE_LAB',
  locks: (_ctx, input) => [labLock(input.id)],
  validate: (ctx, input) => {
    const lab = labsRepo.findById(ctx.database.db, input.id);
    if (!lab) throw notFound('lab', input.id);
    const busy = failWith('ACTION_TYPE_FAILED_LAB_NOT_EMPTY', {
      labName: lab.name,
      networkCount: lab.networkIds.length,
      vmCount: lab.vmIds.length,
    }).when(lab.networkIds.length + lab.vmIds.length > 0);
    return busy ? invalid(busy) : valid(lab);
  },
  execute: (ctx, _input, lab) => {
    ctx.database.transaction((tx) => {
      labsRepo.delete(tx, lab.id);
    });
    ctx.events.entity('lab', lab.id, 'removed');
    return Promise.resolve(null);
  },
  subject: (input, lab) => ({ description: `Lab ${lab?.name ?? input.id}` }),
});
