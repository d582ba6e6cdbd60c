// SPDX-License-Identifier: Apache-2.0
/** oVirt host NIC statistics from the kernel counters of the NIC. */
import { hostNicsRepo } from '../../../db/repos/hosts.repo';
import type { Query } from '../command';
import { hostFailure } from '../host-networks';
import { nicStatistics } from '../statistics';
import { must } from './must';

export const GetHostNicStatistics: Query<'GetHostNicStatistics'> = async (ctx, i) => {
  const nic = must(hostNicsRepo.findById(ctx.database.db, i.hostId, i.nicId), 'host_nic', i.nicId);
  const counters = await ctx.host.deviceCounters(nic.name).catch((e: unknown) => {
    throw hostFailure(e);
  });
  return nicStatistics(counters, ctx.rates.update(counters));
};
