// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: `POST /hosts` (name, address[, port]) adds a remote host, `DELETE /hosts/{id}`
 * removes one, `POST /hosts/{id}/enroll` issues a new one-time token. The answer to the first
 * and last carries an `enrollment` element (AIO addition; oVirt clients ignore it): the token,
 * the engine CA's hash and the command to run on the host.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §2.5
 */
import type { HostEnrollment } from '../../../contract/host-lifecycle';
import type { DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { int, str } from '../input';
import { hostDoc } from '../mappers/host.mapper';
import { actionComplete, created, type Handler, ok, param } from '../rest';
import type { Router } from '../router';

function enrollmentDoc(base: string, e: HostEnrollment): DocObject {
  return {
    ...hostDoc(base, e.host),
    enrollment: {
      token: e.token,
      expires_at: e.expiresAt,
      ca_hash: e.caHash,
      engine_address: e.engineAddress ?? undefined,
      command: e.command,
    },
  };
}

export function registerHostLifecycleRoutes(router: Router<Handler>): void {
  router
    .add('POST', '/hosts', async (ctx) => {
      const body = await ctx.input('host');
      const port = int(body, 'port');
      const description = str(body, 'description');
      const name = str(body, 'name');
      const address = str(body, 'address');
      // BackendHostsResource.add: validateParameters(host, "name", "address").
      const missing = [
        name === undefined ? 'name' : null,
        address === undefined ? 'address' : null,
      ];
      if (name === undefined || address === undefined)
        throw incompleteParameters(
          'Host',
          missing.filter((m) => m !== null),
          'add',
        );
      const e = await ctx.call('AddHost', {
        name,
        address,
        ...(port !== undefined ? { port } : {}),
        ...(description !== undefined ? { description } : {}),
      });
      return created('host', enrollmentDoc(ctx.base, e));
    })
    .add('DELETE', '/hosts/:id', async (ctx) => {
      await ctx.call('RemoveHost', { hostId: param(ctx, 'id') });
      return actionComplete();
    })
    .add('POST', '/hosts/:id/enroll', async (ctx) => {
      await ctx.input('action');
      const e = await ctx.call('RenewHostEnrollment', { hostId: param(ctx, 'id') });
      return ok('action', { status: 'complete', host: enrollmentDoc(ctx.base, e) });
    });
}
