// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveHostNetworkLabel: removes the label and the attachments it provisioned, refused
 * while running VMs use them (409).
 */
import { defineCommand, lockKey } from '../../command';
import { executeSetup, type SetupPlan, validateSetup } from './setup-networks';

export const RemoveHostNetworkLabelCommand = defineCommand<'RemoveHostNetworkLabel', SetupPlan>({
  action: 'remove',
  type: 'Label',
  auditCode: 'REMOVE_HOST_NETWORK_LABEL',
  locks: (_ctx, input) => [
    lockKey.host(input.hostId),
    lockKey.hostNetworks(input.hostId),
    lockKey.label(input.label),
  ],
  validate: (ctx, input) =>
    validateSetup(ctx, {
      hostId: input.hostId,
      modifiedNetworkAttachments: [],
      removedNetworkAttachments: [],
      synchronizedNetworkAttachments: [],
      modifiedLabels: [],
      removedLabels: [{ id: input.label }],
      checkConnectivity: true,
      commitOnSuccess: false,
    }),
  execute: async (ctx, input, plan) => {
    await executeSetup(ctx, 'RemoveHostNetworkLabel', plan);
    ctx.events.entity('host_network_label', `${input.hostId}:${input.label}`, 'removed');
    return null;
  },
  subject: (input, plan) => ({
    description: `Label ${input.label} on host ${plan?.host.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
