// SPDX-License-Identifier: Apache-2.0
/**
 * AddHostNetworkLabel (seed "Isolated Networks", `/hosts/{id}/networklabels`): a host-level
 * label; every VM network of the host's cluster with that label is attached NIC-less.
 */
import { hostLabelsRepo } from '../../../../db/repos/hosts.repo';
import { defineCommand, lockKey } from '../../command';
import { failWith, invalid } from '../../validation';
import { executeSetup, type SetupPlan, validateSetup } from './setup-networks';

export const AddHostNetworkLabelCommand = defineCommand<'AddHostNetworkLabel', SetupPlan>({
  action: 'add',
  type: 'Label',
  auditCode: 'ADD_HOST_NETWORK_LABEL',
  locks: (_ctx, input) => [
    lockKey.host(input.hostId),
    lockKey.hostNetworks(input.hostId),
    lockKey.label(input.label),
  ],
  validate: (ctx, input) => {
    const existing = hostLabelsRepo.find(ctx.database.db, input.hostId, input.label);
    if (existing)
      return invalid(failWith('HOST_LABEL_ALREADY_EXISTS', { label: input.label }).failure);
    return validateSetup(ctx, {
      hostId: input.hostId,
      modifiedNetworkAttachments: [],
      removedNetworkAttachments: [],
      synchronizedNetworkAttachments: [],
      modifiedLabels: [{ id: input.label }],
      removedLabels: [],
      checkConnectivity: true,
      commitOnSuccess: false,
    });
  },
  execute: async (ctx, input, plan) => {
    await executeSetup(ctx, 'AddHostNetworkLabel', plan);
    ctx.events.entity('host_network_label', `${input.hostId}:${input.label}`, 'added');
    return { id: input.label, hostId: input.hostId, nicId: null };
  },
  subject: (input, plan) => ({
    description: `Label ${input.label} on host ${plan?.host.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
