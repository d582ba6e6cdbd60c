// SPDX-License-Identifier: Apache-2.0
/**
 * UpdateLab: the description (the name is the lab file's key, so it does not change) and the
 * stored start order (issue 15: `aio lab apply` stores the file's, "Start all" uses it).
 */
import { labsRepo } from '../../../../db/repos/labs.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Lab } from '../../../contract/labs';
import { defineCommand } from '../../command';
import { invalid, notFound, valid } from '../../validation';
import { labLock } from './lab-rules';
import { startOrderFailure } from './lab-start-order';

export const UpdateLabCommand = defineCommand<'UpdateLab', Lab>({
  action: 'update',
  type: 'Lab',
  auditCode: 'USER_UPDATE_LAB',
  locks: (_ctx, input) => [labLock(input.id)],
  validate: (ctx, input) => {
    const lab = labsRepo.findById(ctx.database.db, input.id);
    if (!lab) throw notFound('lab', input.id);
    if (input.startOrder !== undefined) {
      const c = ctx.database.db;
      const f = startOrderFailure(
        lab,
        input.startOrder,
        (id) => vmsRepo.findById(c, id)?.name ?? id,
      );
      if (f) return invalid(f);
    }
    return valid(lab);
  },
  execute: (ctx, input, lab) => {
    const updated = ctx.database.transaction((tx) => {
      if (input.description !== undefined) labsRepo.update(tx, lab.id, input.description);
      for (const o of input.startOrder ?? [])
        labsRepo.setStartOrder(tx, o.vmId, {
          group: o.group ?? 0,
          dependsOn: o.dependsOn ?? [],
          delaySeconds: o.delaySeconds ?? 0,
        });
      return labsRepo.findById(tx, lab.id) ?? lab;
    });
    ctx.events.entity('lab', lab.id, 'updated');
    return Promise.resolve(updated);
  },
  subject: (input, lab) => ({ description: `Lab ${lab?.name ?? input.id}` }),
});
