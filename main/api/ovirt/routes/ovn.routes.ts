// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: `/openstacknetworkproviders` — the built-in ovirt-provider-ovn — and its
 * `networks` (oVirt's `OpenStackNetwork`: the networks it backs, here the OVN networks).
 *
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#services/openstack_network_providers
 */
import type { OpenStackNetworkProvider } from '../../../contract/ovn';
import type { DocObject } from '../doc';
import { collection, type Handler, ok, param } from '../rest';
import type { Router } from '../router';

function providerDoc(base: string, p: OpenStackNetworkProvider): DocObject {
  const href = `${base}/openstacknetworkproviders/${p.id}`;
  return {
    href,
    id: p.id,
    name: p.name,
    description: p.description,
    link: [{ rel: 'networks', href: `${href}/networks` }],
    type: p.type,
    url: p.url,
    requires_authentication: p.requiresAuthentication,
    read_only: p.readOnly,
    auto_sync: p.autoSync,
    unmanaged: p.unmanaged,
  };
}

export function registerOvnRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/openstacknetworkproviders', async (ctx) =>
      collection(
        'openstack_network_providers',
        'openstack_network_provider',
        (await ctx.call('GetOpenStackNetworkProviders', {})).map((p) => providerDoc(ctx.base, p)),
      ),
    )
    .add('GET', '/openstacknetworkproviders/:id', async (ctx) =>
      ok(
        'openstack_network_provider',
        providerDoc(
          ctx.base,
          await ctx.call('GetOpenStackNetworkProviderById', { id: param(ctx, 'id') }),
        ),
      ),
    )
    .add('GET', '/openstacknetworkproviders/:id/networks', async (ctx) => {
      const provider = await ctx.call('GetOpenStackNetworkProviderById', { id: param(ctx, 'id') });
      const networks = (await ctx.call('GetAllNetworks', {})).filter(
        (n) => n.externalProviderId === provider.id,
      );
      const href = `${ctx.base}/openstacknetworkproviders/${provider.id}`;
      return collection(
        'openstack_networks',
        'openstack_network',
        networks.map((n) => ({
          href: `${href}/networks/${n.id}`,
          id: n.id,
          name: n.name,
          openstack_network_provider: { href, id: provider.id },
        })),
      );
    });
}
