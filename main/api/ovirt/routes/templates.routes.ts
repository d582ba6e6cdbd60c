// SPDX-License-Identifier: Apache-2.0
/**
 * `/templates[/{id}]` (+ `diskattachments`): list and search (`name=T and datacenter=DC`,
 * as Ansible sends it), add from a down VM (its disks are copied: `locked`, then `ok`),
 * update (UpdateVmTemplate), remove. Templates here belong to every data center and cluster
 * (there is one host), so `datacenter=`/`cluster=` match any existing one.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §4
 */
import { diskAttachmentDoc } from '../mappers/disk.mapper';
import { follows } from '../mappers/params';
import { addTemplateInput, templateDoc, updateTemplateInput } from '../mappers/template.mapper';
import {
  actionComplete,
  collection,
  collectionOrMember,
  created,
  type Handler,
  ok,
  param,
  type Reply,
  type RestContext,
} from '../rest';
import type { Router } from '../router';
import { applySearch } from '../search';

/** Registers template routes. */
export function registerTemplateRoutes(router: Router<Handler>): void {
  // The one cluster every template but Blank is shown in (see templateDoc).
  const clusterId = async (ctx: RestContext): Promise<string | null> =>
    (await ctx.call('GetAllClusters', {}))[0]?.id ?? null;
  const attachments = async (ctx: RestContext): Promise<Reply> => {
    const list = await ctx.call('GetDiskAttachmentsByTemplateId', {
      templateId: param(ctx, 'id'),
    });
    const embed = follows(ctx.query, 'disk');
    return collectionOrMember('disk_attachments', 'disk_attachment', list, ctx.params.aid, (a) =>
      diskAttachmentDoc(ctx.base, a, embed),
    );
  };

  router
    .add('GET', '/templates', async (ctx) => {
      const [templates, dcs, clusters, vms] = await Promise.all([
        ctx.call('GetAllTemplates', {}),
        ctx.call('GetAllDataCenters', {}),
        ctx.call('GetAllClusters', {}),
        ctx.call('GetAllVms', {}),
      ]);
      const dcNames = dcs.map((d) => d.name);
      const clusterNames = clusters.map((c) => c.name);
      // oVirt joins templates to VMs on the VM's template (vmt_guid): `vm.name=X` is the
      // template VM X was made from (Ansible's ovirt_vm asks it before every VM update).
      const vmNames = (t: { id: string }): string[] =>
        vms.filter((v) => v.templateId === t.id).map((v) => v.name);
      const hits = applySearch(templates, ctx.query, {
        name: (t) => t.name,
        id: (t) => t.id,
        status: (t) => t.status,
        description: (t) => t.description,
        datacenter: () => dcNames,
        cluster: () => clusterNames,
        'vm.name': vmNames,
        'vms.name': vmNames,
      });
      return collection(
        'templates',
        'template',
        hits.map((t) => templateDoc(ctx.base, t, clusters[0]?.id ?? null)),
      );
    })
    .add('POST', '/templates', async (ctx) => {
      const input = addTemplateInput(await ctx.input('template'), ctx.query);
      const t = await ctx.call('AddVmTemplate', input);
      return created('template', templateDoc(ctx.base, t, await clusterId(ctx)));
    })
    .add('GET', '/templates/:id', async (ctx) => {
      const t = await ctx.call('GetTemplateById', { id: param(ctx, 'id') });
      return ok('template', templateDoc(ctx.base, t, await clusterId(ctx)));
    })
    .add('PUT', '/templates/:id', async (ctx) => {
      const input = updateTemplateInput(param(ctx, 'id'), await ctx.input('template'));
      const t = await ctx.call('UpdateVmTemplate', input);
      return ok('template', templateDoc(ctx.base, t, await clusterId(ctx)));
    })
    .add('DELETE', '/templates/:id', async (ctx) => {
      await ctx.call('RemoveVmTemplate', { id: param(ctx, 'id') });
      return actionComplete();
    })
    .add('GET', '/templates/:id/diskattachments', attachments)
    .add('GET', '/templates/:id/diskattachments/:aid', attachments);
}
