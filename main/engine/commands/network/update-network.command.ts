// SPDX-License-Identifier: Apache-2.0
/**
 * UpdateNetwork. A change that matters on hosts (MTU, STP) is pushed to every host carrying
 * the network (oVirt `applyNetworkChangesToHosts`); the bridge MTU change reaches running
 * VMs' taps through the host layer's setupNetworks.
 */
import { clustersRepo } from '../../../../db/repos/data-centers.repo';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../../../db/repos/networks.repo';
import type { Network } from '../../../contract/networks';
import { defineCommand, lockKey } from '../../command';
import { applyHostNetworks, REACHABLE } from '../../host-networks';
import { addressPlanColumn, resolveAddressPlan } from '../../segment/address-plan.validator';
import { CommandFailure, failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { hostDeviceFailure, validateOnHostName } from '../../validators/host-device.validator';
import {
  validateMtuOnHosts,
  validateNameFree,
  validateNetworkDefinition,
  validateVdsmNameFree,
} from '../../validators/network.validator';
import { notUsedByVms } from '../../validators/usage.validator';
import { validateVlanOnHost } from '../../validators/vlan.validator';
import { vdsmNameOf } from '../../vdsm-name';

interface Plan {
  readonly before: Network;
  readonly after: Omit<Network, 'label'>;
}

export const UpdateNetworkCommand = defineCommand<'UpdateNetwork', Plan>({
  action: 'edit',
  type: 'Network',
  auditCode: 'NETWORK_UPDATE_NETWORK',
  locks: (ctx, input) => [
    lockKey.network(input.id),
    'network-create',
    ...hostsRepo.list(ctx.database.db).map((h) => lockKey.hostNetworks(h.id)),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const before = networksRepo.findById(c, input.id);
    if (!before) throw notFound('network', input.id);
    const after = {
      ...before,
      name: input.name ?? before.name,
      description: input.description ?? before.description,
      comment: input.comment ?? before.comment,
      mtu: input.mtu ?? before.mtu,
      vlanId: input.vlanId === undefined ? before.vlanId : input.vlanId,
      stp: input.stp ?? before.stp,
      vmNetwork: input.vmNetwork ?? before.vmNetwork,
      isolated: input.isolated ?? before.isolated,
      portIsolation: input.portIsolation ?? before.portIsolation,
    };
    const vdsmName = vdsmNameOf(after.name, before.id);
    const clusters = networkClustersRepo.listByNetwork(c, before.id);
    const attachments = networkAttachmentsRepo.listByNetwork(c, before.id);
    const failure = firstFailure(
      () => validateNetworkDefinition(after),
      () =>
        failWith('ACTION_TYPE_FAILED_NETWORK_PORT_ISOLATION_CANNOT_BE_CHANGED').when(
          after.portIsolation !== before.portIsolation,
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_NETWORK_ISOLATION_CANNOT_BE_CHANGED_WHILE_ATTACHED', {
          NetworkName: before.name,
          clusterNames: clusters
            .map((nc) => clustersRepo.findById(c, nc.clusterId)?.name ?? nc.clusterId)
            .join(', '),
        }).when(after.isolated !== before.isolated && clusters.length > 0),
      () =>
        after.name === before.name
          ? null
          : validateNameFree(c, before.dataCenterId, after.name, before.id),
      () =>
        after.name === before.name
          ? null
          : validateVdsmNameFree(c, before.dataCenterId, after.name, vdsmName, before.id),
      () => (vdsmName === before.vdsmName ? null : validateOnHostName(after.name, vdsmName)),
      // oVirt notRenamingUsedNetwork: the bridge name is in use on hosts.
      () =>
        failWith(
          attachments.length > 1
            ? 'ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES'
            : 'ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE',
          {
            entities: attachments.length > 1 ? 'hosts' : 'host',
            ENTITIES_USING_NETWORK: attachments
              .map((a) => hostsRepo.findById(c, a.hostId)?.name ?? a.hostId)
              .join(', '),
          },
        ).when(vdsmName !== before.vdsmName && attachments.length > 0),
      () => (before.vmNetwork && !after.vmNetwork ? notUsedByVms(c, before) : null),
      // A non-VM network cannot stay on a host without a NIC.
      () =>
        failWith('HOST_NETWORK_INTERFACE_DOES_NOT_HAVE_NAME_SET').when(
          !after.vmNetwork && attachments.some((a) => a.hostNicId === null),
        ),
      () => (after.mtu === before.mtu ? null : validateMtuOnHosts(c, before.id, after.mtu)),
      () => (attachments.length > 0 ? validateVlanOnHost(after) : null),
    );
    if (failure) return invalid(failure);
    const plan = resolveAddressPlan(input.addressPlan, before.addressPlan ?? null, after);
    if ('failure' in plan) return invalid(plan.failure);
    return valid({ before, after: { ...after, vdsmName, addressPlan: plan.plan } });
  },
  execute: async (ctx, input, plan) => {
    const { after } = plan;
    if (after.vdsmName !== plan.before.vdsmName) {
      const taken = await hostDeviceFailure(ctx, after.name, after.vdsmName);
      if (taken) throw new CommandFailure(taken.code, taken.vars);
    }
    const patch = {
      name: after.name,
      description: after.description,
      comment: after.comment,
      mtu: after.mtu,
      vlanId: after.vlanId,
      stp: after.stp,
      vmNetwork: after.vmNetwork,
      isIsolated: after.isolated,
      vdsmName: after.vdsmName,
      addressPlan: addressPlanColumn(after.addressPlan ?? null),
    };
    const hostIds = [
      ...new Set(
        networkAttachmentsRepo.listByNetwork(ctx.database.db, input.id).map((a) => a.hostId),
      ),
    ];
    for (const hostId of hostIds) {
      const host = hostsRepo.findById(ctx.database.db, hostId);
      await applyHostNetworks(ctx, {
        command: 'UpdateNetwork',
        hostId,
        snapshots: [['network', 'id', input.id]],
        mutate: (tx) => {
          networksRepo.update(tx, input.id, patch);
        },
        pushToHost: host !== null && REACHABLE.includes(host.status),
      });
    }
    if (hostIds.length === 0) {
      ctx.database.transaction((tx) => {
        networksRepo.update(tx, input.id, patch);
      });
    }
    ctx.events.entity('network', input.id, 'updated');
    for (const hostId of hostIds) ctx.events.entity('host', hostId, 'updated');
    const n = networksRepo.findById(ctx.database.db, input.id);
    if (!n) throw notFound('network', input.id);
    return n;
  },
  subject: (input, plan) => ({
    description: `Network ${plan?.before.name ?? input.id}`,
    networkId: input.id,
    dataCenterId: plan?.before.dataCenterId ?? null,
  }),
});
