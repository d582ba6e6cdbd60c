// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetVmStatistics` query. */
import { vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { vmStatistics } from '../statistics';
import { must } from './must';

export const GetVmStatistics: Query<'GetVmStatistics'> = (ctx, i) => {
  const vm = must(vmsRepo.findById(ctx.database.db, i.id), 'vm', i.id);
  const up =
    vm.status !== 'down' && vm.startTime !== null
      ? (Date.now() - Date.parse(vm.startTime)) / 1000
      : 0;
  return vmStatistics(vm.memoryBytes, vm.vcpus, up);
};
