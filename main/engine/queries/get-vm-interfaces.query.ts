// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetVmInterfaces` query. */
import { vmNicsRepo, vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetVmInterfaces: Query<'GetVmInterfaces'> = (ctx, i) => {
  must(vmsRepo.findById(ctx.database.db, i.vmId), 'vm', i.vmId);
  return vmNicsRepo.listByVm(ctx.database.db, i.vmId);
};
