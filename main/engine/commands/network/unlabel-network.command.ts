// SPDX-License-Identifier: Apache-2.0
/**
 * UnlabelNetwork: removes the label and the attachments it provisioned (hosts carrying the
 * label), refused while running VMs use them (409). Isolated networks stay: their cluster
 * requires them on every host.
 */
import type { Conn } from '../../../../db/client';
import { hostLabelsRepo, hostsRepo } from '../../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../../db/repos/network-attachments.repo';
import { networkLabelsRepo, networksRepo } from '../../../../db/repos/networks.repo';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { applySharedToHosts, REACHABLE } from '../../host-networks';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { notUsedByRunningVms } from '../../validators/usage.validator';

/** Hosts whose attachment of `network` exists because of its label. */
function labelProvisionedHosts(c: Conn, network: Network, label: string): string[] {
  if (network.isolated) return [];
  return networkAttachmentsRepo
    .listByNetwork(c, network.id)
    .filter((a) => {
      const hl = hostLabelsRepo.find(c, a.hostId, label);
      return hl !== null && hl.nicId === a.hostNicId;
    })
    .map((a) => a.hostId);
}

interface Plan {
  readonly network: Network;
  readonly hostIds: readonly string[];
}

export const UnlabelNetworkCommand = defineCommand<'UnlabelNetwork', Plan>({
  action: 'remove',
  type: 'Label',
  auditCode: 'UNLABEL_NETWORK',
  locks: (ctx, input) => [
    lockKey.network(input.networkId),
    lockKey.label(input.label),
    ...hostsRepo.list(ctx.database.db).map((h) => lockKey.hostNetworks(h.id)),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const network = networksRepo.findById(c, input.networkId);
    if (!network) throw notFound('network', input.networkId);
    const hostIds = labelProvisionedHosts(c, network, input.label);
    const failure = firstFailure(
      () =>
        failWith('ACTION_TYPE_FAILED_NETWORK_NOT_LABELED', { label: input.label }).when(
          network.label !== input.label,
        ),
      ...hostIds.map((h) => () => notUsedByRunningVms(c, network, h)),
    );
    return failure ? invalid(failure) : valid({ network, hostIds });
  },
  execute: async (ctx, input, { network, hostIds }) => {
    await applySharedToHosts(
      ctx,
      'UnlabelNetwork',
      {
        snapshot: ['network_label', 'network_id', network.id],
        mutate: (tx) => {
          networkLabelsRepo.delete(tx, network.id);
        },
      },
      hostIds,
      {
        mutate: (tx, hostId) => {
          const a = networkAttachmentsRepo.find(tx, hostId, network.id);
          if (a) networkAttachmentsRepo.delete(tx, a.id);
        },
        pushToHost: (hostId) => {
          const host = hostsRepo.findById(ctx.database.db, hostId);
          return host !== null && REACHABLE.includes(host.status);
        },
      },
    );
    ctx.events.entity('network', network.id, 'updated');
    return null;
  },
  subject: (input, plan) => ({
    description: `Label ${input.label} on network ${plan?.network.name ?? input.networkId}`,
    networkId: input.networkId,
  }),
});
