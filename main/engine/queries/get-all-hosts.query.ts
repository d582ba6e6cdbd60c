// SPDX-License-Identifier: Apache-2.0
/** The contract's `GetAllHosts` query. */
import { hostsRepo } from '../../../db/repos/hosts.repo';
import type { Query } from '../command';

export const GetAllHosts: Query<'GetAllHosts'> = (ctx) => hostsRepo.list(ctx.database.db);
