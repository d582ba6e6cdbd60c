// SPDX-License-Identifier: Apache-2.0
/** HostSetupNetworks: attachments (with or without a NIC) and labels, applied atomically. */
import type { NetworkAttachment } from '../../../contract/network-attachments';
import { defineCommand, lockKey } from '../../command';
import { executeSetup, type SetupPlan, validateSetup } from './setup-networks';

export const HostSetupNetworksCommand = defineCommand<'HostSetupNetworks', SetupPlan>({
  action: 'setup',
  type: 'Networks',
  auditCode: 'NETWORK_HOST_SETUP_NETWORKS',
  locks: (_ctx, input) => [lockKey.host(input.hostId), lockKey.hostNetworks(input.hostId)],
  validate: (ctx, input) => validateSetup(ctx, input),
  execute: (ctx, _input, plan): Promise<NetworkAttachment[]> =>
    executeSetup(ctx, 'HostSetupNetworks', plan),
  subject: (input, plan) => ({
    description: `Setup networks on host ${plan?.host.name ?? input.hostId}`,
    hostId: input.hostId,
  }),
});
