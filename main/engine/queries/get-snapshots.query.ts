// SPDX-License-Identifier: Apache-2.0
/** Snapshot queries; every VM lists its `Active VM` snapshot first. */
import { snapshotsRepo } from '../../../db/repos/snapshots.repo';
import { vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetSnapshotsByVmId: Query<'GetSnapshotsByVmId'> = (ctx, i) => {
  must(vmsRepo.findById(ctx.database.db, i.vmId), 'vm', i.vmId);
  return snapshotsRepo.listByVm(ctx.database.db, i.vmId);
};

export const GetSnapshotById: Query<'GetSnapshotById'> = (ctx, i) =>
  must(snapshotsRepo.findById(ctx.database.db, i.vmId, i.id), 'snapshot', i.id);
