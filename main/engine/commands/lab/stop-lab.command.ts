// SPDX-License-Identifier: Apache-2.0
/**
 * StopLab: ends a start in progress (nothing more is started), then powers off every running
 * VM of the lab through StopVm (its own lock, validation and audit). A VM that refuses is
 * reported; the others are still stopped.
 */
import { labsRepo } from '../../../../db/repos/labs.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Lab } from '../../../contract/labs';
import { defineCommand } from '../../command';
import { notFound, valid } from '../../validation';
import { labLock } from './lab-rules';
import { cancelStart } from './lab-start-job';

export const StopLabCommand = defineCommand<'StopLab', Lab>({
  action: 'stop',
  type: 'Lab',
  auditCode: 'USER_STOP_LAB',
  locks: (_ctx, input) => [labLock(input.id)],
  validate: (ctx, input) => {
    const lab = labsRepo.findById(ctx.database.db, input.id);
    if (!lab) throw notFound('lab', input.id);
    return valid(lab);
  },
  execute: async (ctx, _input, lab) => {
    cancelStart(ctx, lab.id);
    const run = ctx.runInternal;
    if (run === undefined) throw new Error('lab stop outside the runner');
    const stopped: string[] = [];
    const failed: { name: string; detail: string }[] = [];
    const vms = lab.vmIds.flatMap((id) => {
      const vm = vmsRepo.findById(ctx.database.db, id);
      return vm && vm.status !== 'down' ? [vm] : [];
    });
    for (const [i, vm] of vms.entries()) {
      const env = await run('StopVm', { id: vm.id });
      if (env.ok) stopped.push(vm.name);
      else failed.push({ name: vm.name, detail: env.error.messages.join(' ') });
      ctx.progress(`Lab ${lab.name}: VM ${vm.name} stopped`, 'running', (i + 1) / vms.length);
    }
    return { stopped, failed };
  },
  subject: (input, lab) => ({ description: `Lab ${lab?.name ?? input.id}` }),
});
