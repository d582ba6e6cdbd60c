// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16: `/vms/{id}/graphicsconsoles[/{cid}]` with the `ticket` and
 * `remoteviewerconnectionfile` actions, shaped as oVirt's BackendVmGraphicsConsole(s)Resource:
 * the id is the protocol in hex (`766e63` VNC, `7370696365` SPICE), `address`/`port` only with
 * `?current=true`.
 *
 * @see ../../../../shared/reference/ovirt-guests-api.md §7
 */
import type { GraphicsConsole } from '../../contract/graphics';
import type { DocObject } from '../ovirt/doc';
import { ApiFault } from '../ovirt/fault';
import { int, obj, str } from '../ovirt/input';
import { refTo } from '../ovirt/mappers/links';
import { queryBool } from '../ovirt/mappers/params';
import { collection, type Handler, ok, param, type Reply, type RestContext } from '../ovirt/rest';
import type { Router } from '../ovirt/router';
import { remoteViewerFile } from './vv-file';

/** Lifetime of the password in a `.vv` file (oVirt's ConsoleDescriptor default). */
const VV_TICKET_SECONDS = 120;

function consoleDoc(base: string, c: GraphicsConsole, current: boolean): DocObject {
  return {
    href: `${base}/vms/${c.vmId}/graphicsconsoles/${c.id}`,
    id: c.id,
    protocol: c.protocol,
    vm: refTo(base, 'vms', c.vmId),
    ...(current && c.address !== null ? { address: c.address } : {}),
    ...(current && c.port !== null ? { port: c.port } : {}),
  };
}

/** The console `cid` of the VM, or oVirt's empty 404. */
async function findConsole(ctx: RestContext): Promise<GraphicsConsole> {
  const list = await ctx.call('GetVmGraphicsConsoles', { id: param(ctx, 'id') });
  const found = list.find((c) => c.id === param(ctx, 'cid'));
  if (found === undefined) throw new ApiFault(404, null);
  return found;
}

export function registerGraphicsConsoleRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/vms/:id/graphicsconsoles', async (ctx): Promise<Reply> => {
      const list = await ctx.call('GetVmGraphicsConsoles', { id: param(ctx, 'id') });
      const current = queryBool(ctx.query, 'current') === true;
      return collection(
        'graphics_consoles',
        'graphics_console',
        list.map((c) => consoleDoc(ctx.base, c, current)),
      );
    })
    .add('GET', '/vms/:id/graphicsconsoles/~cid', async (ctx): Promise<Reply> => {
      const c = await findConsole(ctx);
      return ok(
        'graphics_console',
        consoleDoc(ctx.base, c, queryBool(ctx.query, 'current') === true),
      );
    })
    .add('POST', '/vms/:id/graphicsconsoles/~cid/ticket', async (ctx): Promise<Reply> => {
      const body = await ctx.input('action');
      const c = await findConsole(ctx);
      const ticket = obj(body, 'ticket');
      const value = ticket === undefined ? undefined : str(ticket, 'value');
      const expiry = ticket === undefined ? undefined : int(ticket, 'expiry');
      const t = await ctx.call('SetVmTicket', {
        id: c.vmId,
        consoleId: c.id,
        ...(value !== undefined ? { value } : {}),
        ...(expiry !== undefined ? { expiry } : {}),
      });
      return ok('action', { ticket: { value: t.value, expiry: t.expiry }, status: 'complete' });
    })
    .add(
      'POST',
      '/vms/:id/graphicsconsoles/~cid/remoteviewerconnectionfile',
      async (ctx): Promise<Reply> => {
        await ctx.input('action');
        const c = await findConsole(ctx);
        const t = await ctx.call('SetVmTicket', {
          id: c.vmId,
          consoleId: c.id,
          expiry: VV_TICKET_SECONDS,
        });
        const text = remoteViewerFile({
          title: t.vmName,
          host: t.address,
          port: t.port,
          password: t.value,
          validSeconds: t.expiry,
          type: c.protocol,
        });
        return ok('action', { remote_viewer_connection_file: text, status: 'complete' });
      },
    );
}
