// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetVmInterfaceById` query. */
import { vmNicsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetVmInterfaceById: Query<'GetVmInterfaceById'> = (ctx, i) =>
  must(vmNicsRepo.findById(ctx.database.db, i.vmId, i.id), 'vm_nic', i.id);
