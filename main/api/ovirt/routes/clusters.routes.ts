// SPDX-License-Identifier: Apache-2.0
/**
 * `/datacenters`, `/clusters` (+ `networks` in cluster context). `/templates`: templates.routes.ts.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §2.1, §2.2, §2.12
 */
import { clusterDoc, dataCenterDoc } from '../mappers/datacenter.mapper';
import {
  attachToClusterInput,
  clusterNetworkDoc,
  updateClusterNetworkInput,
} from '../mappers/network.mapper';
import { actionComplete, collection, created, type Handler, ok, param } from '../rest';
import type { Router } from '../router';
import { applySearch } from '../search';

/** Registers data center, cluster and template routes. */
export function registerClusterRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/datacenters', async (ctx) => {
      const [dcs, clusters] = await Promise.all([
        ctx.call('GetAllDataCenters', {}),
        ctx.call('GetAllClusters', {}),
      ]);
      const hits = applySearch(dcs, ctx.query, {
        name: (d) => d.name,
        id: (d) => d.id,
        'clusters.name': (d) => clusters.filter((c) => c.dataCenterId === d.id).map((c) => c.name),
      });
      return collection(
        'data_centers',
        'data_center',
        hits.map((d) => dataCenterDoc(ctx.base, d)),
      );
    })
    .add('GET', '/datacenters/:id', async (ctx) =>
      ok(
        'data_center',
        dataCenterDoc(ctx.base, await ctx.call('GetDataCenterById', { id: param(ctx, 'id') })),
      ),
    )
    .add('GET', '/datacenters/:id/clusters', async (ctx) => {
      await ctx.call('GetDataCenterById', { id: param(ctx, 'id') });
      const clusters = (await ctx.call('GetAllClusters', {})).filter(
        (c) => c.dataCenterId === param(ctx, 'id'),
      );
      return collection(
        'clusters',
        'cluster',
        clusters.map((c) => clusterDoc(ctx.base, c)),
      );
    })
    .add('GET', '/clusters', async (ctx) => {
      const [clusters, dcs] = await Promise.all([
        ctx.call('GetAllClusters', {}),
        ctx.call('GetAllDataCenters', {}),
      ]);
      const dcName = new Map(dcs.map((d) => [d.id, d.name]));
      const hits = applySearch(clusters, ctx.query, {
        name: (c) => c.name,
        id: (c) => c.id,
        datacenter: (c) => dcName.get(c.dataCenterId),
      });
      return collection(
        'clusters',
        'cluster',
        hits.map((c) => clusterDoc(ctx.base, c)),
      );
    })
    .add('GET', '/clusters/:id', async (ctx) =>
      ok(
        'cluster',
        clusterDoc(ctx.base, await ctx.call('GetClusterById', { id: param(ctx, 'id') })),
      ),
    )
    .add('GET', '/clusters/:id/networks', async (ctx) => {
      const nets = await ctx.call('GetNetworksByClusterId', { clusterId: param(ctx, 'id') });
      return collection(
        'networks',
        'network',
        nets.map((n) => clusterNetworkDoc(ctx.base, n)),
      );
    })
    .add('POST', '/clusters/:id/networks', async (ctx) => {
      await ctx.call('GetClusterById', { id: param(ctx, 'id') });
      const input = attachToClusterInput(param(ctx, 'id'), await ctx.input('network'));
      const net = await ctx.call('AttachNetworkToCluster', input);
      return created('network', clusterNetworkDoc(ctx.base, net));
    })
    .add('GET', '/clusters/:id/networks/:nid', async (ctx) => {
      const key = { clusterId: param(ctx, 'id'), networkId: param(ctx, 'nid') };
      return ok('network', clusterNetworkDoc(ctx.base, await ctx.call('GetNetworkOnCluster', key)));
    })
    .add('PUT', '/clusters/:id/networks/:nid', async (ctx) => {
      const input = updateClusterNetworkInput(
        param(ctx, 'id'),
        param(ctx, 'nid'),
        await ctx.input('network'),
      );
      return ok(
        'network',
        clusterNetworkDoc(ctx.base, await ctx.call('UpdateNetworkOnCluster', input)),
      );
    })
    .add('DELETE', '/clusters/:id/networks/:nid', async (ctx) => {
      await ctx.call('DetachNetworkFromCluster', {
        clusterId: param(ctx, 'id'),
        networkId: param(ctx, 'nid'),
      });
      return actionComplete();
    });
}
