// SPDX-License-Identifier: Apache-2.0
/**
 * `/users[/{id}]`: the API root links `authenticated_user` and `effective_user` here, so a
 * client that follows them (the SDK's `follow_link`) must find the user. Users are read-only
 * here (one internal domain, no directory to add users from).
 *
 * @see ovirt-engine-api-model services/UsersService.java, types/User.java
 */
import type { User } from '../../../contract/users';
import type { DocObject } from '../doc';
import { subLinks } from '../mappers/links';
import { collection, type Handler, ok, param } from '../rest';
import type { Router } from '../router';
import { applySearch } from '../search';

/** oVirt's authorization profile of a login domain is `<domain>-authz`. */
const authz = (u: User): string => `${u.domain}-authz`;

function userDoc(base: string, u: User): DocObject {
  const href = `${base}/users/${u.id}`;
  return {
    href,
    id: u.id,
    name: u.name,
    link: subLinks(href, ['permissions', 'roles', 'sshpublickeys', 'tags']),
    domain_entry_id: u.id,
    namespace: '*',
    principal: u.name,
    user_name: `${u.name}@${authz(u)}`,
    domain: { name: authz(u) },
  };
}

/** Registers user routes. */
export function registerUserRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/users', async (ctx) => {
      const users = applySearch(await ctx.call('GetAllUsers', {}), ctx.query, {
        name: (u) => u.name,
        usrname: (u) => `${u.name}@${authz(u)}`,
        id: (u) => u.id,
      });
      return collection(
        'users',
        'user',
        users.map((u) => userDoc(ctx.base, u)),
      );
    })
    .add('GET', '/users/:id', async (ctx) =>
      ok('user', userDoc(ctx.base, await ctx.call('GetUserById', { id: param(ctx, 'id') }))),
    );
}
