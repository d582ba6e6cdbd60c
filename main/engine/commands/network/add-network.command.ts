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
import { defineCommand, lockKey } from '../../command';
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
    const def: NetworkDefinition = {
      name: input.name,
      mtu: input.mtu ?? 0,
      vlanId: input.vlanId ?? null,
      stp: input.stp ?? false,
      // An isolated network is inherently a VM network: vmNetwork defaults to true either way.
      vmNetwork: input.vmNetwork ?? true,
      isolated: input.isolated ?? false,
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
    return valid({ dc: dc.value, id, vdsmName, def, addressPlan: plan.plan });
  },
  execute: async (ctx, input, plan) => {
    const { def } = plan;
    // The host's devices are read here, not in validate() (which never touches the host).
    const taken = await hostDeviceFailure(ctx, def.name, plan.vdsmName);
    if (taken) throw new CommandFailure(taken.code, taken.vars);
    ctx.database.transaction((tx) => {
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
    });
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
