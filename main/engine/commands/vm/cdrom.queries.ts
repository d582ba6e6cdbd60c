// SPDX-License-Identifier: Apache-2.0
/** GetVmCdroms (oVirt `/vms/{id}/cdroms`): the one CD-ROM, configured or (`current`) running. */
import type { Query } from '../../command';
import { must } from '../../queries/must';
import { vmCdrom } from './cdrom-common';

export const GetVmCdroms: Query<'GetVmCdroms'> = (ctx, i) =>
  Promise.resolve([must(vmCdrom(ctx.database.db, i.vmId, i.current === true), 'vm', i.vmId)]);
