// SPDX-License-Identifier: Apache-2.0
/**
 * `/disks[/{id}]` (searchable as oVirt's clients search: `name=`, `Storage.name=`,
 * `vm_names=`) and `/vms/{id}/diskattachments[/{id}]`. Disk work is long: a new or extended
 * disk answers `locked` at once and turns `ok` when the engine is done, as in oVirt.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §2
 */
import { isUuid } from '../input';
import {
  addDiskAttachmentInput,
  attachmentDiskId,
  diskAttachmentDoc,
  diskDoc,
  diskSpecInput,
  updateDiskAttachmentInput,
  updateDiskInput,
} from '../mappers/disk.mapper';
import { follows, queryBool } from '../mappers/params';
import { actionComplete, collection, created, type Handler, ok, param } from '../rest';
import type { Router } from '../router';
import { applySearch } from '../search';

/** Registers disk and VM disk attachment routes. */
export function registerDiskRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/disks', async (ctx) => {
      const [disks, domains, vms] = await Promise.all([
        ctx.call('GetAllDisks', {}),
        ctx.call('GetAllStorageDomains', {}),
        ctx.call('GetAllVms', {}),
      ]);
      const sdName = new Map(domains.map((s) => [s.id, s.name]));
      const vmName = new Map(vms.map((v) => [v.id, v.name]));
      const hits = applySearch(disks, ctx.query, {
        name: (d) => d.name,
        alias: (d) => d.name,
        id: (d) => d.id,
        description: (d) => d.description,
        status: (d) => d.status,
        format: (d) => d.format,
        content_type: (d) => d.contentType,
        disk_type: (d) => d.storageType,
        storage: (d) => sdName.get(d.storageDomainId),
        'storage.name': (d) => sdName.get(d.storageDomainId),
        vm_names: (d) => (d.vmId === null ? undefined : vmName.get(d.vmId)),
      });
      return collection(
        'disks',
        'disk',
        hits.map((d) => diskDoc(ctx.base, d)),
      );
    })
    .add('POST', '/disks', async (ctx) => {
      const disk = await ctx.call('AddDisk', diskSpecInput(await ctx.input('disk')));
      return created('disk', diskDoc(ctx.base, disk));
    })
    .add('GET', '/disks/:id', async (ctx) =>
      ok('disk', diskDoc(ctx.base, await ctx.call('GetDiskById', { id: param(ctx, 'id') }))),
    )
    .add('PUT', '/disks/:id', async (ctx) => {
      const input = updateDiskInput(param(ctx, 'id'), await ctx.input('disk'));
      return ok('disk', diskDoc(ctx.base, await ctx.call('UpdateDisk', input)));
    })
    .add('DELETE', '/disks/:id', async (ctx) => {
      await ctx.call('RemoveDisk', { id: param(ctx, 'id') });
      return actionComplete();
    })
    .add('GET', '/vms/:id/diskattachments', async (ctx) => {
      const list = await ctx.call('GetDiskAttachmentsByVmId', { vmId: param(ctx, 'id') });
      const embed = follows(ctx.query, 'disk');
      return collection(
        'disk_attachments',
        'disk_attachment',
        list.map((a) => diskAttachmentDoc(ctx.base, a, embed)),
      );
    })
    .add('POST', '/vms/:id/diskattachments', async (ctx) => {
      const body = await ctx.input('disk_attachment');
      const diskId = attachmentDiskId(body);
      const existing =
        diskId !== undefined &&
        isUuid(diskId) &&
        (await ctx.call('GetAllDisks', {})).some((d) => d.id === diskId.toLowerCase());
      const input = addDiskAttachmentInput(param(ctx, 'id'), body, existing);
      const attachment = await ctx.call('AddDiskAttachment', input);
      return created('disk_attachment', diskAttachmentDoc(ctx.base, attachment));
    })
    .add('GET', '/vms/:id/diskattachments/:aid', async (ctx) => {
      const attachment = await ctx.call('GetDiskAttachmentById', {
        vmId: param(ctx, 'id'),
        id: param(ctx, 'aid'),
      });
      return ok(
        'disk_attachment',
        diskAttachmentDoc(ctx.base, attachment, follows(ctx.query, 'disk')),
      );
    })
    .add('PUT', '/vms/:id/diskattachments/:aid', async (ctx) => {
      const input = updateDiskAttachmentInput(
        param(ctx, 'id'),
        param(ctx, 'aid'),
        await ctx.input('disk_attachment'),
      );
      const attachment = await ctx.call('UpdateDiskAttachment', input);
      return ok('disk_attachment', diskAttachmentDoc(ctx.base, attachment));
    })
    .add('DELETE', '/vms/:id/diskattachments/:aid', async (ctx) => {
      const detachOnly = queryBool(ctx.query, 'detach_only');
      await ctx.call('DetachDiskFromVm', {
        vmId: param(ctx, 'id'),
        id: param(ctx, 'aid'),
        ...(detachOnly !== undefined ? { detachOnly } : {}),
      });
      return actionComplete();
    });
}
