// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveNetwork: refused while any VM has a vNIC on it (409); otherwise removed from every
 * host carrying it, then from clusters, with its profiles and label.
 */
import type { Tx } from '../../../../db/client';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../../db/repos/network-attachments.repo';
import {
  networkClustersRepo,
  networkLabelsRepo,
  networksRepo,
  vnicProfilesRepo,
} from '../../../../db/repos/networks.repo';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { hostsWithOpenChange } from '../../host-network';
import { applyHostNetworks, REACHABLE } from '../../host-networks';
import { removeOvnNetwork } from '../../ovn/ovn-network';
import { invalid, notFound, valid } from '../../validation';
import { notUsedByVms } from '../../validators/usage.validator';

function deleteNetworkRows(tx: Tx, id: string): void {
  for (const a of networkAttachmentsRepo.listByNetwork(tx, id))
    networkAttachmentsRepo.delete(tx, a.id);
  for (const nc of networkClustersRepo.listByNetwork(tx, id))
    networkClustersRepo.delete(tx, nc.clusterId, id);
  for (const p of vnicProfilesRepo.listByNetwork(tx, id)) vnicProfilesRepo.delete(tx, p.id);
  networkLabelsRepo.delete(tx, id);
  networksRepo.delete(tx, id);
}

export const RemoveNetworkCommand = defineCommand<'RemoveNetwork', Network>({
  action: 'remove',
  type: 'Network',
  auditCode: 'NETWORK_REMOVE_NETWORK',
  locks: (ctx, input) => [
    lockKey.network(input.id),
    ...hostsRepo.list(ctx.database.db).map((h) => lockKey.hostNetworks(h.id)),
  ],
  validate: (ctx, input) => {
    const network = networksRepo.findById(ctx.database.db, input.id);
    if (!network) throw notFound('network', input.id);
    const failure = notUsedByVms(ctx.database.db, network);
    return failure ? invalid(failure) : valid(network);
  },
  execute: async (ctx, input, network) => {
    const c = ctx.database.db;
    const attached = [
      ...new Set(networkAttachmentsRepo.listByNetwork(c, input.id).map((a) => a.hostId)),
    ];
    // A detach answered while its host was busy may still be undone (it would restore rows of
    // this network): the removal follows it on that host (host-network/coalesce.ts).
    const hostIds = attached.length > 0 ? attached : hostsWithOpenChange(ctx, network.vdsmName);
    // Hosts first, one at a time; the last one also deletes the network itself.
    for (const [i, hostId] of hostIds.entries()) {
      const last = i === hostIds.length - 1;
      const host = hostsRepo.findById(c, hostId);
      await applyHostNetworks(ctx, {
        command: 'RemoveNetwork',
        hostId,
        snapshots: last
          ? [
              ['network', 'id', input.id],
              ['network_cluster', 'network_id', input.id],
              ['vnic_profile', 'network_id', input.id],
              ['network_label', 'network_id', input.id],
            ]
          : [],
        mutate: (tx) => {
          const a = networkAttachmentsRepo.find(tx, hostId, input.id);
          if (a) networkAttachmentsRepo.delete(tx, a.id);
          if (last) deleteNetworkRows(tx, input.id);
        },
        pushToHost: host !== null && REACHABLE.includes(host.status),
        deferrable: hostIds.length === 1,
        removeOnHost: [network.vdsmName],
      });
    }
    // Issue 17: an OVN network's switch goes first; a crash before the rows go leaves a network
    // whose switch the next start re-creates (reconcileOvnNetworks), never an orphan switch.
    if (network.externalProviderId) await removeOvnNetwork(ctx, input.id);
    if (hostIds.length === 0) {
      ctx.database.transaction((tx) => {
        deleteNetworkRows(tx, input.id);
      });
    }
    ctx.events.entity('network', input.id, 'removed');
    return null;
  },
  subject: (input, plan) => ({
    description: `Network ${plan?.name ?? input.id}`,
    networkId: input.id,
    dataCenterId: plan?.dataCenterId ?? null,
  }),
});
