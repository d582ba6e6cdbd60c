// SPDX-License-Identifier: Apache-2.0
/** AddNetworkAttachment: HostSetupNetworks with one modified attachment (no NIC = NIC-less). */
import { networkAttachmentsRepo } from '../../../../db/repos/network-attachments.repo';
import { defineCommand, lockKey } from '../../command';
import { CommandFailure } from '../../validation';
import { toAttachment } from '../../views';
import { executeSetup, type SetupInput, type SetupPlan, validateSetup } from './setup-networks';

const asSetup = (input: {
  hostId: string;
  network: { id?: string | undefined; name?: string | undefined };
  hostNic?: { id?: string | undefined; name?: string | undefined } | undefined;
}): SetupInput => ({
  hostId: input.hostId,
  modifiedNetworkAttachments: [
    { network: input.network, ...(input.hostNic ? { hostNic: input.hostNic } : {}) },
  ],
  removedNetworkAttachments: [],
  synchronizedNetworkAttachments: [],
  modifiedLabels: [],
  removedLabels: [],
  checkConnectivity: true,
  commitOnSuccess: false,
});

export const AddNetworkAttachmentCommand = defineCommand<'AddNetworkAttachment', SetupPlan>({
  action: 'setup',
  type: 'Networks',
  auditCode: 'NETWORK_ADD_NETWORK_ATTACHMENT',
  locks: (_ctx, input) => [lockKey.host(input.hostId), lockKey.hostNetworks(input.hostId)],
  validate: (ctx, input) => validateSetup(ctx, asSetup(input)),
  execute: async (ctx, input, plan) => {
    await executeSetup(ctx, 'AddNetworkAttachment', plan);
    const networkId = plan.upserts[0]?.networkId;
    const a =
      networkId === undefined
        ? null
        : networkAttachmentsRepo.find(ctx.database.db, input.hostId, networkId);
    if (!a) {
      // Unchanged request on an attached network: oVirt answers with the existing attachment.
      const existing = networkAttachmentsRepo
        .listByHost(ctx.database.db, input.hostId)
        .find((x) => x.networkId === input.network.id || x.networkName === input.network.name);
      if (existing) return toAttachment(existing);
      throw new CommandFailure('ENGINE_INTERNAL_ERROR', {
        detail: 'attachment missing after setup',
      });
    }
    return toAttachment(a);
  },
  subject: (input, plan) => ({
    description: `Network ${input.network.name ?? input.network.id ?? ''} on host ${plan?.host.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
