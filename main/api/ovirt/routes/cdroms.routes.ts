// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16: `/vms/{id}/cdroms[/{cid}]`, shaped as oVirt's BackendVmCdrom(s)Resource: exactly one
 * CD-ROM (id `00000000-…`), `file` only when a medium is in; `?current=true` reads or changes
 * the running VM's medium, without it the persistent configuration. `PUT` with `file id=""`
 * (or no `file`) ejects.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §7
 */
import { CDROM_ID, type VmCdrom } from '../../../contract/cdroms';
import type { DocObject } from '../doc';
import { ApiFault } from '../fault';
import { obj, str } from '../input';
import { refTo } from '../mappers/links';
import { queryBool } from '../mappers/params';
import { collection, type Handler, ok, param, type Reply } from '../rest';
import type { Router } from '../router';

function cdromDoc(base: string, c: VmCdrom): DocObject {
  return {
    href: `${base}/vms/${c.vmId}/cdroms/${c.id}`,
    id: c.id,
    ...(c.fileId !== null ? { file: { id: c.fileId } } : {}),
    vm: refTo(base, 'vms', c.vmId),
  };
}

export function registerCdromRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/vms/:id/cdroms', async (ctx): Promise<Reply> => {
      const current = queryBool(ctx.query, 'current') === true;
      const list = await ctx.call('GetVmCdroms', { vmId: param(ctx, 'id'), current });
      return collection(
        'cdroms',
        'cdrom',
        list.map((c) => cdromDoc(ctx.base, c)),
      );
    })
    .add('GET', '/vms/:id/cdroms/~cid', async (ctx): Promise<Reply> => {
      if (param(ctx, 'cid') !== CDROM_ID) throw new ApiFault(404, null);
      const current = queryBool(ctx.query, 'current') === true;
      const [c] = await ctx.call('GetVmCdroms', { vmId: param(ctx, 'id'), current });
      if (c === undefined) throw new ApiFault(404, null);
      return ok('cdrom', cdromDoc(ctx.base, c));
    })
    .add('PUT', '/vms/:id/cdroms/~cid', async (ctx): Promise<Reply> => {
      const body = await ctx.input('cdrom');
      if (param(ctx, 'cid') !== CDROM_ID) throw new ApiFault(404, null);
      const file = obj(body, 'file');
      const fileId = file === undefined ? undefined : str(file, 'id');
      const c = await ctx.call('UpdateVmCdrom', {
        vmId: param(ctx, 'id'),
        fileId: fileId === undefined || fileId === '' ? null : fileId,
        current: queryBool(ctx.query, 'current') === true,
      });
      return ok('cdrom', cdromDoc(ctx.base, c));
    });
}
