// SPDX-License-Identifier: Apache-2.0
/**
 * LabelNetwork: at most one label per network. Labelling provisions the network on every
 * host of its clusters that carries the label (host-level: NIC-less; on a NIC: over it).
 */
import { hostLabelsRepo, hostsRepo } from '../../../../db/repos/hosts.repo';
import {
  networkClustersRepo,
  networkLabelsRepo,
  networksRepo,
} from '../../../../db/repos/networks.repo';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { applySharedToHosts, insertMissingAttachments } from '../../host-networks';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateLabel, validateMtuOnHosts } from '../../validators/network.validator';

export const LabelNetworkCommand = defineCommand<'LabelNetwork', Network>({
  action: 'add',
  type: 'Label',
  auditCode: 'LABEL_NETWORK',
  locks: (ctx, input) => [
    lockKey.network(input.networkId),
    lockKey.label(input.label),
    ...hostsRepo.list(ctx.database.db).map((h) => lockKey.hostNetworks(h.id)),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const network = networksRepo.findById(c, input.networkId);
    if (!network) throw notFound('network', input.networkId);
    const failure = firstFailure(
      () => validateLabel(input.label),
      () => failWith('ACTION_TYPE_FAILED_NETWORK_ALREADY_LABELED').when(network.label !== null),
      () =>
        validateMtuOnHosts(
          c,
          null,
          network.mtu,
          networkClustersRepo.listByNetwork(c, network.id).map((nc) => nc.clusterId),
        ),
    );
    return failure ? invalid(failure) : valid(network);
  },
  execute: async (ctx, input, network) => {
    const c = ctx.database.db;
    const clusters = new Set(
      networkClustersRepo.listByNetwork(c, network.id).map((nc) => nc.clusterId),
    );
    const hosts = hostsRepo
      .list(c)
      .filter((h) => clusters.has(h.clusterId) && h.status === 'up')
      .filter((h) => hostLabelsRepo.find(c, h.id, input.label) !== null);
    const only = new Set([network.id]);
    await applySharedToHosts(
      ctx,
      'LabelNetwork',
      {
        snapshot: ['network_label', 'network_id', network.id],
        mutate: (tx) => {
          networkLabelsRepo.set(tx, network.id, input.label);
        },
      },
      hosts.map((h) => h.id),
      {
        mutate: (tx, hostId) => {
          insertMissingAttachments(tx, hostId, only);
        },
        pushToHost: () => true,
      },
    );
    ctx.events.entity('network', network.id, 'updated');
    return { id: input.label, networkId: network.id };
  },
  subject: (input, network) => ({
    description: `Label ${input.label} on network ${network?.name ?? input.networkId}`,
    networkId: input.networkId,
  }),
});
