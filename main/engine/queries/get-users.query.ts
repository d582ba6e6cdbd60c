// SPDX-License-Identifier: Apache-2.0
/**
 * The contract's `GetAllUsers` and `GetUserById`. As in oVirt, a user who is not an
 * administrator sees only themselves; another user's id is an unknown id to them (404), so the
 * API does not tell which ids exist. The password hash never leaves the repository.
 */
import { type UserRecord, usersRepo } from '../../../db/repos/users.repo';
import type { User } from '../../contract/users';
import type { Query } from '../command';
import { must } from './must';

const toUser = (u: UserRecord): User => ({
  id: u.id,
  name: u.name,
  domain: u.domain,
  admin: u.admin,
});

export const GetAllUsers: Query<'GetAllUsers'> = (ctx) =>
  usersRepo
    .list(ctx.database.db)
    .filter((u) => ctx.principal.admin || u.id === ctx.principal.userId)
    .map(toUser);

export const GetUserById: Query<'GetUserById'> = (ctx, i) => {
  const u = usersRepo.findById(ctx.database.db, i.id);
  const visible = u !== null && (ctx.principal.admin || u.id === ctx.principal.userId);
  return toUser(must(visible ? u : null, 'user', i.id));
};
