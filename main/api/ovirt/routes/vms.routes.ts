// SPDX-License-Identifier: Apache-2.0
/**
 * `/vms` (+ `start`, `stop`, `shutdown`; `nics`; `statistics`) and `/events`.
 * Actions answer synchronously with `<status>complete</status>` (libgovirt requires it);
 * failures come back as the action with its fault and `status` failed (doAction).
 *
 * @see ../../../../../shared/reference/ovirt-api.md §1.10, §2.9, §2.10
 */
import { diskOverridesInput } from '../mappers/disk.mapper';
import { statisticDoc } from '../mappers/host.mapper';
import { refTo } from '../mappers/links';
import { queryBool } from '../mappers/params';
import {
  addVmInput,
  addVmNicInput,
  eventDoc,
  runVmInput,
  stopVmInput,
  updateVmInput,
  updateVmNicInput,
  vmDoc,
  vmNicDoc,
} from '../mappers/vm.mapper';
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

/** Registers VM and event routes. */
export function registerVmRoutes(router: Router<Handler>): void {
  const vmStats = async (ctx: RestContext): Promise<Reply> => {
    const list = await ctx.call('GetVmStatistics', { id: param(ctx, 'id') });
    const href = `${ctx.base}/vms/${param(ctx, 'id')}`;
    const parent = { element: 'vm', ref: refTo(ctx.base, 'vms', param(ctx, 'id')) };
    return collectionOrMember('statistics', 'statistic', list, ctx.params.sid, (s) =>
      statisticDoc(href, s, parent),
    );
  };
  const nicStats = async (ctx: RestContext): Promise<Reply> => {
    const key = { vmId: param(ctx, 'id'), id: param(ctx, 'nid') };
    const list = await ctx.call('GetVmInterfaceStatistics', key);
    const href = `${ctx.base}/vms/${key.vmId}/nics/${key.id}`;
    const parent = {
      element: 'nic',
      ref: { href, id: key.id, vm: refTo(ctx.base, 'vms', key.vmId) },
    };
    return collectionOrMember('statistics', 'statistic', list, ctx.params.sid, (s) =>
      statisticDoc(href, s, parent),
    );
  };
  const vmAction =
    (op: 'RunVm' | 'StopVm' | 'ShutdownVm') =>
    async (ctx: RestContext): Promise<Reply> => {
      const body = await ctx.input('action');
      await ctx.call('GetVmById', { id: param(ctx, 'id') });
      if (op === 'RunVm') return ctx.action('RunVm', runVmInput(param(ctx, 'id'), body));
      return ctx.action(op, stopVmInput(param(ctx, 'id'), body));
    };

  router
    .add('GET', '/vms', async (ctx) => {
      const [vms, clusters, dcs, hosts, templates] = await Promise.all([
        ctx.call('GetAllVms', {}),
        ctx.call('GetAllClusters', {}),
        ctx.call('GetAllDataCenters', {}),
        ctx.call('GetAllHosts', {}),
        ctx.call('GetAllTemplates', {}),
      ]);
      const clusterName = new Map(clusters.map((c) => [c.id, c.name]));
      const clusterDc = new Map(clusters.map((c) => [c.id, c.dataCenterId]));
      const dcName = new Map(dcs.map((d) => [d.id, d.name]));
      const hostName = new Map(hosts.map((h) => [h.id, h.name]));
      const templateName = new Map(templates.map((t) => [t.id, t.name]));
      const datacenter = (v: (typeof vms)[number]): string | undefined => {
        const dc = clusterDc.get(v.clusterId);
        return dc === undefined ? undefined : dcName.get(dc);
      };
      const host = (v: (typeof vms)[number]): string | undefined =>
        v.hostId === null ? undefined : hostName.get(v.hostId);
      const template = (v: (typeof vms)[number]): string | undefined =>
        templateName.get(v.templateId);
      // oVirt's VM search keys that clients use (VmConditionFieldAutoCompleter and the
      // vms–hosts/templates/clusters joins).
      const hits = applySearch(vms, ctx.query, {
        name: (v) => v.name,
        id: (v) => v.id,
        status: (v) => v.status,
        description: (v) => v.description,
        cluster: (v) => clusterName.get(v.clusterId),
        'cluster.name': (v) => clusterName.get(v.clusterId),
        datacenter,
        'datacenter.name': datacenter,
        host,
        'host.name': host,
        template,
        'template.name': template,
      });
      return collection(
        'vms',
        'vm',
        hits.map((v) => vmDoc(ctx.base, v)),
      );
    })
    .add('POST', '/vms', async (ctx) => {
      const body = await ctx.input('vm');
      // `?clone=true`: independent copies of the template's disks (default: thin overlays);
      // `disk_attachments[].disk` override them, keyed by the template disk id.
      const clone = queryBool(ctx.query, 'clone');
      const disks = diskOverridesInput(body);
      const vm = await ctx.call('AddVm', {
        ...addVmInput(body),
        ...(clone !== undefined ? { clone } : {}),
        ...(disks !== undefined ? { disks } : {}),
      });
      return created('vm', vmDoc(ctx.base, vm));
    })
    .add('GET', '/vms/:id', async (ctx) =>
      ok('vm', vmDoc(ctx.base, await ctx.call('GetVmById', { id: param(ctx, 'id') }))),
    )
    .add('PUT', '/vms/:id', async (ctx) => {
      const input = updateVmInput(param(ctx, 'id'), await ctx.input('vm'));
      return ok('vm', vmDoc(ctx.base, await ctx.call('UpdateVm', input)));
    })
    .add('DELETE', '/vms/:id', async (ctx) => {
      // oVirt: a VM's own disks go with it unless `detach_only=true`.
      const detachOnly = queryBool(ctx.query, 'detach_only');
      const force = queryBool(ctx.query, 'force');
      await ctx.call('RemoveVm', {
        id: param(ctx, 'id'),
        ...(detachOnly !== undefined ? { detachOnly } : {}),
        ...(force !== undefined ? { force } : {}),
      });
      return actionComplete();
    })
    .add('POST', '/vms/:id/start', vmAction('RunVm'))
    .add('POST', '/vms/:id/stop', vmAction('StopVm'))
    .add('POST', '/vms/:id/shutdown', vmAction('ShutdownVm'))
    .add('GET', '/vms/:id/statistics', vmStats)
    .add('GET', '/vms/:id/statistics/:sid', vmStats)
    .add('GET', '/vms/:id/nics', async (ctx) => {
      const nics = await ctx.call('GetVmInterfaces', { vmId: param(ctx, 'id') });
      return collection(
        'nics',
        'nic',
        nics.map((n) => vmNicDoc(ctx.base, n)),
      );
    })
    .add('POST', '/vms/:id/nics', async (ctx) => {
      await ctx.call('GetVmById', { id: param(ctx, 'id') });
      const nic = await ctx.call(
        'AddVmInterface',
        addVmNicInput(param(ctx, 'id'), await ctx.input('nic')),
      );
      return created('nic', vmNicDoc(ctx.base, nic));
    })
    .add('GET', '/vms/:id/nics/:nid', async (ctx) => {
      const nic = await ctx.call('GetVmInterfaceById', {
        vmId: param(ctx, 'id'),
        id: param(ctx, 'nid'),
      });
      return ok('nic', vmNicDoc(ctx.base, nic));
    })
    .add('PUT', '/vms/:id/nics/:nid', async (ctx) => {
      const input = updateVmNicInput(param(ctx, 'id'), param(ctx, 'nid'), await ctx.input('nic'));
      return ok('nic', vmNicDoc(ctx.base, await ctx.call('UpdateVmInterface', input)));
    })
    .add('DELETE', '/vms/:id/nics/:nid', async (ctx) => {
      await ctx.call('RemoveVmInterface', { vmId: param(ctx, 'id'), id: param(ctx, 'nid') });
      return actionComplete();
    })
    .add('GET', '/vms/:id/nics/:nid/statistics', nicStats)
    .add('GET', '/vms/:id/nics/:nid/statistics/:sid', nicStats)
    .add('GET', '/events', async (ctx) => {
      const from = ctx.query.get('from');
      const max = ctx.query.get('max');
      const events = await ctx.call('GetEvents', {
        ...(from !== null && /^\d+$/.test(from) ? { after: Number(from) } : {}),
        ...(max !== null && /^\d+$/.test(max) && Number(max) > 0 ? { max: Number(max) } : {}),
      });
      const hits = applySearch(events, ctx.query, {
        severity: (e) => e.severity,
        code: (e) => e.code,
        description: (e) => e.description,
      });
      return collection(
        'events',
        'event',
        hits.map((e) => eventDoc(ctx.base, e)),
      );
    })
    .add('GET', '/events/~id', async (ctx) => {
      const id = param(ctx, 'id');
      // Event ids are integers; anything else is oVirt's empty 404, not a 400.
      if (!/^[1-9]\d{0,15}$/.test(id)) return { status: 404, doc: null };
      return ok('event', eventDoc(ctx.base, await ctx.call('GetEventById', { id: Number(id) })));
    });
}
