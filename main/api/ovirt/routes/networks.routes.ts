// SPDX-License-Identifier: Apache-2.0
/**
 * `/networks` (+ `vnicprofiles`, `networklabels`), `/datacenters/{id}/networks`,
 * `/vnicprofiles`.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §2.3, §2.4, §2.11
 */
import { obj, str } from '../input';
import {
  addNetworkInput,
  addVnicProfileInput,
  labelIdOf,
  networkDoc,
  networkLabelDoc,
  updateNetworkInput,
  vnicProfileDoc,
} from '../mappers/network.mapper';
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

/** `/networks/{id}/networklabels[/{label}]`. */
async function networkLabels(ctx: RestContext): Promise<Reply> {
  const labels = await ctx.call('GetNetworkLabels', { networkId: param(ctx, 'id') });
  return collectionOrMember('network_labels', 'network_label', labels, ctx.params.label, (l) =>
    networkLabelDoc(ctx.base, l),
  );
}

/**
 * `POST /networks/{id}/isolationtest` (NEW, issue 13 item 7): the isolation self-test on the
 * local host (or `<host id="…"/>`). Answers the completed action with an `isolation_test`:
 * `passed` and one `check` (name, passed, detail) per check. Failures are a bare fault.
 */
async function isolationTest(ctx: RestContext): Promise<Reply> {
  const body = await ctx.input('action');
  const id = param(ctx, 'id');
  await ctx.call('GetNetworkById', { id });
  const hostId = obj(body, 'host') === undefined ? undefined : str(obj(body, 'host') ?? {}, 'id');
  const r = await ctx.call('TestNetworkIsolation', {
    id,
    ...(hostId !== undefined ? { hostId } : {}),
  });
  return ok('action', {
    status: 'complete',
    isolation_test: {
      passed: r.passed,
      mtu: r.mtu,
      start_time: r.startedAt,
      end_time: r.finishedAt,
      network: { href: `${ctx.base}/networks/${r.networkId}`, id: r.networkId },
      host: { href: `${ctx.base}/hosts/${r.hostId}`, id: r.hostId },
      checks: {
        check: r.checks.map((x) => ({ name: x.name, passed: x.passed, detail: x.detail })),
      },
    },
  });
}

/** Registers the network routes. */
export function registerNetworkRoutes(router: Router<Handler>): void {
  router
    .add('POST', '/networks/:id/isolationtest', isolationTest)
    .add('GET', '/networks', async (ctx) => {
      const [nets, dcs] = await Promise.all([
        ctx.call('GetAllNetworks', {}),
        ctx.call('GetAllDataCenters', {}),
      ]);
      const dcName = new Map(dcs.map((d) => [d.id, d.name]));
      const hits = applySearch(nets, ctx.query, {
        name: (n) => n.name,
        datacenter: (n) => dcName.get(n.dataCenterId),
        'datacenter.name': (n) => dcName.get(n.dataCenterId),
        id: (n) => n.id,
      });
      return collection(
        'networks',
        'network',
        hits.map((n) => networkDoc(ctx.base, n)),
      );
    })
    .add('POST', '/networks', async (ctx) => {
      const input = addNetworkInput(await ctx.input('network'));
      return created('network', networkDoc(ctx.base, await ctx.call('AddNetwork', input)));
    })
    .add('GET', '/networks/:id', async (ctx) =>
      ok(
        'network',
        networkDoc(ctx.base, await ctx.call('GetNetworkById', { id: param(ctx, 'id') })),
      ),
    )
    .add('PUT', '/networks/:id', async (ctx) => {
      const input = updateNetworkInput(param(ctx, 'id'), await ctx.input('network'));
      return ok('network', networkDoc(ctx.base, await ctx.call('UpdateNetwork', input)));
    })
    .add('DELETE', '/networks/:id', async (ctx) => {
      await ctx.call('RemoveNetwork', { id: param(ctx, 'id') });
      return actionComplete();
    })
    .add('GET', '/networks/:id/vnicprofiles', async (ctx) => {
      const profiles = await ctx.call('GetVnicProfilesByNetworkId', {
        networkId: param(ctx, 'id'),
      });
      return collection(
        'vnic_profiles',
        'vnic_profile',
        profiles.map((v) => vnicProfileDoc(ctx.base, v)),
      );
    })
    .add('POST', '/networks/:id/vnicprofiles', async (ctx) => {
      await ctx.call('GetNetworkById', { id: param(ctx, 'id') });
      const input = addVnicProfileInput(await ctx.input('vnic_profile'), param(ctx, 'id'));
      const profile = await ctx.call('AddVnicProfile', input);
      return created('vnic_profile', vnicProfileDoc(ctx.base, profile));
    })
    .add('GET', '/networks/:id/vnicprofiles/:pid', async (ctx) => {
      const profile = await ctx.call('GetVnicProfileById', { id: param(ctx, 'pid') });
      if (profile.networkId !== param(ctx, 'id')) return { status: 404, doc: null };
      return ok('vnic_profile', vnicProfileDoc(ctx.base, profile));
    })
    .add('GET', '/networks/:id/networklabels', networkLabels)
    .add('POST', '/networks/:id/networklabels', async (ctx) => {
      await ctx.call('GetNetworkById', { id: param(ctx, 'id') });
      const label = labelIdOf(await ctx.input('network_label'));
      const result = await ctx.call('LabelNetwork', { networkId: param(ctx, 'id'), label });
      return created('network_label', networkLabelDoc(ctx.base, result));
    })
    .add('GET', '/networks/:id/networklabels/~label', networkLabels)
    .add('DELETE', '/networks/:id/networklabels/~label', async (ctx) => {
      await ctx.call('UnlabelNetwork', { networkId: param(ctx, 'id'), label: param(ctx, 'label') });
      return actionComplete();
    })
    .add('GET', '/datacenters/:id/networks', async (ctx) => {
      await ctx.call('GetDataCenterById', { id: param(ctx, 'id') });
      const nets = await ctx.call('GetAllNetworks', { dataCenterId: param(ctx, 'id') });
      const hits = applySearch(nets, ctx.query, { name: (n) => n.name });
      return collection(
        'networks',
        'network',
        hits.map((n) => networkDoc(ctx.base, n)),
      );
    })
    .add('POST', '/datacenters/:id/networks', async (ctx) => {
      await ctx.call('GetDataCenterById', { id: param(ctx, 'id') });
      const input = addNetworkInput(await ctx.input('network'), param(ctx, 'id'));
      return created('network', networkDoc(ctx.base, await ctx.call('AddNetwork', input)));
    })
    .add('GET', '/datacenters/:id/networks/:nid', async (ctx) => {
      const net = await ctx.call('GetNetworkById', { id: param(ctx, 'nid') });
      if (net.dataCenterId !== param(ctx, 'id')) return { status: 404, doc: null };
      return ok('network', networkDoc(ctx.base, net));
    })
    .add('GET', '/vnicprofiles', async (ctx) => {
      const profiles = await ctx.call('GetAllVnicProfiles', {});
      return collection(
        'vnic_profiles',
        'vnic_profile',
        profiles.map((v) => vnicProfileDoc(ctx.base, v)),
      );
    })
    .add('POST', '/vnicprofiles', async (ctx) => {
      const input = addVnicProfileInput(await ctx.input('vnic_profile'));
      const profile = await ctx.call('AddVnicProfile', input);
      return created('vnic_profile', vnicProfileDoc(ctx.base, profile));
    })
    .add('GET', '/vnicprofiles/:id', async (ctx) =>
      ok(
        'vnic_profile',
        vnicProfileDoc(ctx.base, await ctx.call('GetVnicProfileById', { id: param(ctx, 'id') })),
      ),
    )
    .add('DELETE', '/vnicprofiles/:id', async (ctx) => {
      await ctx.call('RemoveVnicProfile', { id: param(ctx, 'id') });
      return actionComplete();
    });
}
