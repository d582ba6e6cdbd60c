// SPDX-License-Identifier: Apache-2.0
/**
 * `/storagedomains[/{id}]` (+ `disks`) and `/datacenters/{dc}/storagedomains[/{id}]`.
 * The global view shows `status` only as `unattached`; the data-center view shows the real
 * status (Ansible's `ovirt_storage_domain` looks there when `status` is absent). A localfs
 * domain is attached to its host's data center by the engine as it is added.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §1
 */
import type { StorageDomain } from '../../../contract/storage-domains';
import { notFound } from '../fault';
import { diskDoc } from '../mappers/disk.mapper';
import { queryBool } from '../mappers/params';
import {
  addStorageDomainInput,
  attachedStorageDomainDoc,
  diskProfileDoc,
  storageDomainDoc,
} from '../mappers/storage-domain.mapper';
import {
  actionComplete,
  collection,
  created,
  type Handler,
  ok,
  param,
  type RestContext,
} from '../rest';
import type { Router } from '../router';
import { applySearch } from '../search';

async function inDataCenter(ctx: RestContext): Promise<StorageDomain> {
  await ctx.call('GetDataCenterById', { id: param(ctx, 'dc') });
  const sd = await ctx.call('GetStorageDomainById', { id: param(ctx, 'id') });
  // A domain of another data center is not part of this view: oVirt's empty 404.
  if (sd.dataCenterId !== param(ctx, 'dc')) throw notFound();
  return sd;
}

/** Registers storage domain routes. */
export function registerStorageDomainRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/storagedomains', async (ctx) => {
      const [domains, dcs] = await Promise.all([
        ctx.call('GetAllStorageDomains', {}),
        ctx.call('GetAllDataCenters', {}),
      ]);
      const dcName = new Map(dcs.map((d) => [d.id, d.name]));
      const hits = applySearch(domains, ctx.query, {
        name: (s) => s.name,
        id: (s) => s.id,
        type: (s) => s.type,
        status: (s) => s.status,
        datacenter: (s) => (s.dataCenterId === null ? undefined : dcName.get(s.dataCenterId)),
        'storage.type': (s) => s.storageType,
      });
      return collection(
        'storage_domains',
        'storage_domain',
        hits.map((s) => storageDomainDoc(ctx.base, s)),
      );
    })
    .add('POST', '/storagedomains', async (ctx) => {
      const input = addStorageDomainInput(await ctx.input('storage_domain'));
      return created(
        'storage_domain',
        storageDomainDoc(ctx.base, await ctx.call('AddStorageDomain', input)),
      );
    })
    .add('GET', '/storagedomains/:id', async (ctx) =>
      ok(
        'storage_domain',
        storageDomainDoc(
          ctx.base,
          await ctx.call('GetStorageDomainById', { id: param(ctx, 'id') }),
        ),
      ),
    )
    .add('DELETE', '/storagedomains/:id', async (ctx) => {
      const host = ctx.query.get('host');
      const format = queryBool(ctx.query, 'format');
      const destroy = queryBool(ctx.query, 'destroy');
      await ctx.call('RemoveStorageDomain', {
        id: param(ctx, 'id'),
        ...(host !== null && host !== '' ? { host: { name: host } } : {}),
        ...(format !== undefined ? { format } : {}),
        ...(destroy !== undefined ? { destroy } : {}),
      });
      return actionComplete();
    })
    .add('GET', '/storagedomains/:id/disks', async (ctx) => {
      // `?unregistered=true` lists importable disks: a local domain never has any.
      if (queryBool(ctx.query, 'unregistered') === true) {
        await ctx.call('GetStorageDomainById', { id: param(ctx, 'id') });
        return collection('disks', 'disk', []);
      }
      const disks = await ctx.call('GetDisksByStorageDomainId', {
        storageDomainId: param(ctx, 'id'),
      });
      const hits = applySearch(disks, ctx.query, { name: (d) => d.name, id: (d) => d.id });
      return collection(
        'disks',
        'disk',
        hits.map((d) => diskDoc(ctx.base, d)),
      );
    })
    .add('GET', '/storagedomains/:id/disks/:did', async (ctx) => {
      const disk = await ctx.call('GetDiskById', { id: param(ctx, 'did') });
      if (disk.storageDomainId !== param(ctx, 'id')) return { status: 404, doc: null };
      return ok('disk', diskDoc(ctx.base, disk));
    })
    .add('GET', '/diskprofiles', async (ctx) => {
      const domains = await ctx.call('GetAllStorageDomains', {});
      return collection(
        'disk_profiles',
        'disk_profile',
        domains.map((s) => diskProfileDoc(ctx.base, s)),
      );
    })
    .add('GET', '/diskprofiles/:id', async (ctx) =>
      ok(
        'disk_profile',
        diskProfileDoc(ctx.base, await ctx.call('GetStorageDomainById', { id: param(ctx, 'id') })),
      ),
    )
    .add('GET', '/storagedomains/:id/diskprofiles', async (ctx) => {
      const sd = await ctx.call('GetStorageDomainById', { id: param(ctx, 'id') });
      return collection('disk_profiles', 'disk_profile', [diskProfileDoc(ctx.base, sd)]);
    })
    .add('GET', '/datacenters/:dc/storagedomains', async (ctx) => {
      const dc = param(ctx, 'dc');
      await ctx.call('GetDataCenterById', { id: dc });
      const domains = (await ctx.call('GetAllStorageDomains', {})).filter(
        (s) => s.dataCenterId === dc,
      );
      return collection(
        'storage_domains',
        'storage_domain',
        domains.map((s) => attachedStorageDomainDoc(ctx.base, dc, s)),
      );
    })
    .add('GET', '/datacenters/:dc/storagedomains/:id', async (ctx) => {
      return ok(
        'storage_domain',
        attachedStorageDomainDoc(ctx.base, param(ctx, 'dc'), await inDataCenter(ctx)),
      );
    })
    // oVirt's AttachedStorageDomainDisksService: the domain's disks, seen from its data center.
    .add('GET', '/datacenters/:dc/storagedomains/:id/disks', async (ctx) => {
      const sd = await inDataCenter(ctx);
      const disks = await ctx.call('GetDisksByStorageDomainId', { storageDomainId: sd.id });
      const hits = applySearch(disks, ctx.query, { name: (d) => d.name, id: (d) => d.id });
      return collection(
        'disks',
        'disk',
        hits.map((d) => diskDoc(ctx.base, d)),
      );
    });
}
