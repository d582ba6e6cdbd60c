// SPDX-License-Identifier: Apache-2.0
/** RemoveNetworkAttachment: HostSetupNetworks with one removed attachment. */
import { networkAttachmentsRepo } from '../../../../db/repos/network-attachments.repo';
import { defineCommand, lockKey } from '../../command';
import { notFound } from '../../validation';
import { executeSetup, type SetupPlan, validateSetup } from './setup-networks';

export const RemoveNetworkAttachmentCommand = defineCommand<'RemoveNetworkAttachment', SetupPlan>({
  action: 'setup',
  type: 'Networks',
  auditCode: 'NETWORK_REMOVE_NETWORK_ATTACHMENT',
  locks: (_ctx, input) => [lockKey.host(input.hostId), lockKey.hostNetworks(input.hostId)],
  validate: (ctx, input) => {
    const a = networkAttachmentsRepo.findById(ctx.database.db, input.id);
    if (!a || a.hostId !== input.hostId) throw notFound('network_attachment', input.id);
    return validateSetup(ctx, {
      hostId: input.hostId,
      modifiedNetworkAttachments: [],
      removedNetworkAttachments: [{ id: input.id }],
      synchronizedNetworkAttachments: [],
      modifiedLabels: [],
      removedLabels: [],
      checkConnectivity: true,
      commitOnSuccess: false,
    });
  },
  execute: async (ctx, _input, plan) => {
    await executeSetup(ctx, 'RemoveNetworkAttachment', plan);
    return null;
  },
  subject: (input, plan) => ({
    description: `Network attachment ${input.id} on host ${plan?.host.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
