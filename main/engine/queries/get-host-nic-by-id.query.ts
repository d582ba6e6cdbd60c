// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetHostNicById` query. */
import { hostNicsRepo } from '../../../db/repos/hosts.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetHostNicById: Query<'GetHostNicById'> = (ctx, i) =>
  must(hostNicsRepo.findById(ctx.database.db, i.hostId, i.nicId), 'host_nic', i.nicId);
