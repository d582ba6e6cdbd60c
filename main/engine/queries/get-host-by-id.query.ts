// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetHostById` query. */
import { hostsRepo } from '../../../db/repos/hosts.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetHostById: Query<'GetHostById'> = (ctx, i) =>
  must(hostsRepo.findById(ctx.database.db, i.id), 'host', i.id);
