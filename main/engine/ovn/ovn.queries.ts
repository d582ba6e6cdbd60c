// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17 queries: oVirt's `/openstacknetworkproviders` (the one built-in ovirt-provider-ovn)
 * and, as an AIO addition, an OVN network's logical switch read back from the NB/SB DBs.
 */
import { networksRepo } from '../../../db/repos/networks.repo';
import { HostError, HostErrorCode } from '../../contract/errors';
import { OVN_PROVIDER, OVN_PROVIDER_ID } from '../../contract/ovn';
import type { Query } from '../command';
import { must } from '../queries/must';
import { notFound } from '../validation';

export const GetOpenStackNetworkProviders: Query<'GetOpenStackNetworkProviders'> = () =>
  Promise.resolve([OVN_PROVIDER]);

export const GetOpenStackNetworkProviderById: Query<'GetOpenStackNetworkProviderById'> = (
  _ctx,
  i,
) => {
  if (i.id !== OVN_PROVIDER_ID) throw notFound('openstack_network_provider', i.id);
  return Promise.resolve(OVN_PROVIDER);
};

export const GetOvnNetwork: Query<'GetOvnNetwork'> = async (ctx, i) => {
  const network = must(networksRepo.findById(ctx.database.db, i.id), 'network', i.id);
  if (network.externalProviderId !== OVN_PROVIDER_ID) throw notFound('ovn_network', i.id);
  const report = await ctx.host.reportOvnSwitch?.(network.id);
  if (report === undefined) {
    throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, 'This host layer has no OVN central.');
  }
  if (report === null) throw notFound('ovn_network', i.id);
  return {
    networkId: report.networkId,
    switchName: report.switchName,
    localnetPorts: report.localnetPorts,
    mtu: report.mtu,
    dhcpCidr: report.dhcpCidr,
    dnsRecords: report.dnsRecords,
    ports: report.ports,
  };
};
