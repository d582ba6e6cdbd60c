// SPDX-License-Identifier: Apache-2.0
/** AddNetwork: a logical network in a data center (+ its default vNIC profile, optional label). */
import { randomUUID } from 'node:crypto';

import {
  networkLabelsRepo,
  networksRepo,
  vnicProfilesRepo,
} from '../../../../db/repos/networks.repo';
import type { DataCenter } from '../../../contract/data-centers';
import type { AddressPlan } from '../../../contract/networks';
import { OVN_PROVIDER_ID } from '../../../contract/ovn';
import { defineCommand, lockKey } from '../../command';
import {
  addOvnNetwork,
  ovnMtu,
  resolveOvnProvider,
  tunnelUnderlayMtu,
} from '../../ovn/ovn-network';
import { resolveDataCenter } from '../../resolve';
import { addressPlanColumn, resolveAddressPlan } from '../../segment/address-plan.validator';
import { CommandFailure, invalid, valid, type ValidationResult } from '../../validation';
import { hostDeviceFailure, validateOnHostName } from '../../validators/host-device.validator';
import {
  type NetworkDefinition,
  validateLabel,
  validateNameFree,
  validateNetworkDefinition,
  validateVdsmNameFree,
} from '../../validators/network.validator';
import { vdsmNameOf } from '../../vdsm-name';

interface Plan {
  readonly dc: DataCenter;
  readonly id: string;
  readonly vdsmName: string;
  /** The input with its defaults made explicit: validated, then stored as is. */
  readonly def: NetworkDefinition;
  /** Issue 12: the canonical address plan, or null (off). */
  readonly addressPlan: AddressPlan | null;
  /** Issue 17: an OVN network (external_provider = ovirt-provider-ovn). */
  readonly ovn: boolean;
}

export const AddNetworkCommand = defineCommand<'AddNetwork', Plan>({
  action: 'add',
  type: 'Network',
  auditCode: 'NETWORK_ADD_NETWORK',
  locks: (_ctx, input) => [
    lockKey.networkName(input.dataCenter.id ?? input.dataCenter.name ?? '', input.name),
    `network-create`,
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const dc = resolveDataCenter(c, input.dataCenter);
    if (!dc.ok) return invalid(dc.failure);
    const id = randomUUID();
    // Issue 17: a network of ovirt-provider-ovn is an OVN logical switch: isolated by nature.
    const ovn = input.externalProvider !== undefined;
    if (input.externalProvider !== undefined) {
      const provider = resolveOvnProvider(input.externalProvider);
      if (!provider.ok) return invalid(provider.failure);
    }
    const def: NetworkDefinition = {
      name: input.name,
      mtu: input.mtu ?? 0,
      vlanId: input.vlanId ?? null,
      stp: input.stp ?? false,
      // An isolated network is inherently a VM network: vmNetwork defaults to true either way.
      vmNetwork: input.vmNetwork ?? true,
      isolated: ovn ? true : (input.isolated ?? false),
      portIsolation: input.portIsolation ?? false,
    };
    const vdsmName = vdsmNameOf(input.name, id);
    const failure: ValidationResult =
      validateNetworkDefinition(def) ??
      validateNameFree(c, dc.value.id, input.name, null) ??
      validateVdsmNameFree(c, dc.value.id, input.name, vdsmName, null) ??
      validateOnHostName(input.name, vdsmName) ??
      (input.label === undefined ? null : validateLabel(input.label));
    if (failure) return invalid(failure);
    const plan = resolveAddressPlan(input.addressPlan, null, def);
    if ('failure' in plan) return invalid(plan.failure);
    return valid({ dc: dc.value, id, vdsmName, def, addressPlan: plan.plan, ovn });
  },
  execute: async (ctx, input, plan) => {
    let { def } = plan;
    if (plan.ovn) {
      // The usable MTU: what a Geneve packet leaves of the underlay (validated, then stored,
      // so the user sees it on the network and guests get it).
      const mtu = ovnMtu(def.mtu, await tunnelUnderlayMtu(ctx));
      if (!mtu.ok) throw new CommandFailure(mtu.failure.code, mtu.failure.vars);
      def = { ...def, mtu: mtu.mtu };
    }
    // The host's devices are read here, not in validate() (which never touches the host).
    const taken = await hostDeviceFailure(ctx, def.name, plan.vdsmName);
    if (taken) throw new CommandFailure(taken.code, taken.vars);
    const insertRows = (
      tx: Parameters<Parameters<typeof ctx.database.transaction>[0]>[0],
    ): void => {
      networksRepo.insert(tx, {
        id: plan.id,
        name: def.name,
        description: input.description ?? '',
        comment: input.comment ?? '',
        dataCenterId: plan.dc.id,
        mtu: def.mtu,
        vlanId: def.vlanId,
        stp: def.stp,
        vmNetwork: def.vmNetwork,
        isIsolated: def.isolated,
        portIsolation: def.portIsolation,
        vdsmName: plan.vdsmName,
        addressPlan: addressPlanColumn(plan.addressPlan),
        ...(plan.ovn ? { externalProviderId: OVN_PROVIDER_ID } : {}),
      });
      // oVirt AddNetworkCommand.runAddVnicProfile: a VM network gets a profile named like it.
      if (def.vmNetwork && input.profileRequired !== false) {
        vnicProfilesRepo.insert(tx, {
          id: randomUUID(),
          name: input.name.slice(0, 50),
          networkId: plan.id,
        });
      }
      if (input.label !== undefined) networkLabelsRepo.set(tx, plan.id, input.label);
    };
    if (plan.ovn) {
      // Issue 17: rows + intent, then the logical switch on the central (ovn-network.ts).
      const added = await addOvnNetwork(ctx, plan.id, insertRows);
      ctx.events.entity('network', plan.id, 'added');
      return added;
    }
    ctx.database.transaction(insertRows);
    ctx.events.entity('network', plan.id, 'added');
    const n = networksRepo.findById(ctx.database.db, plan.id);
    if (!n) throw new Error('network vanished after insert');
    return n;
  },
  subject: (input, plan) => ({
    description: `Network ${input.name}`,
    dataCenterId: plan?.dc.id ?? null,
    networkId: plan?.id ?? null,
  }),
});
