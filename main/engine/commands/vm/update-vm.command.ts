// SPDX-License-Identifier: Apache-2.0
/** UpdateVm: name and description any time; size, boot and initialization while down. */
import { initializationColumns, vmsRepo } from '../../../../db/repos/vms.repo';
import type { Initialization, Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { type PlacementColumns, placementColumns, resolvePlacement } from '../../placement';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateVmNotImageLocked } from '../../validators/storage.validator';
import {
  validateVmName,
  validateVmSize,
  validateVmTransition,
} from '../../validators/vm.validator';
import {
  mergedInitialization,
  storedInitializationFailure,
  vmInitialization,
} from './vm-initialization';

interface Plan {
  readonly vm: Vm;
  /** The initialization to store (password merged), or undefined: unchanged. */
  readonly initialization: Initialization | null | undefined;
  /** Issue 17: the placement policy to store, or undefined: unchanged. */
  readonly placement: PlacementColumns | undefined;
}

export const UpdateVmCommand = defineCommand<'UpdateVm', Plan>({
  action: 'edit',
  type: 'VM',
  auditCode: 'USER_UPDATE_VM',
  locks: (_ctx, input) => [
    lockKey.vm(input.id),
    ...(input.name === undefined ? [] : [lockKey.vmName(input.name)]),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.id);
    if (!vm) throw notFound('vm', input.id);
    const other = input.name === undefined ? null : vmsRepo.findByName(c, input.name);
    const changesRuntime =
      input.memoryBytes !== undefined ||
      input.vcpus !== undefined ||
      input.diskPath !== undefined ||
      input.initialization !== undefined;
    const f = firstFailure(
      () => (input.name === undefined ? null : validateVmName(input.name)),
      () =>
        failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(other !== null && other.id !== vm.id),
      () => validateVmSize(input.memoryBytes ?? vm.memoryBytes, input.vcpus ?? vm.vcpus),
      () => (changesRuntime ? validateVmNotImageLocked(vm) : null),
      () => (changesRuntime ? validateVmTransition(vm.status, 'edit') : null),
      // Issue 10 item 9: a host file is never booted in place any more. Import it into a
      // storage domain (ImportImage with vmId) instead; `null` is accepted as a no-op.
      () => (input.initialization ? storedInitializationFailure(input.initialization) : null),
      () =>
        typeof input.diskPath === 'string'
          ? failWith('ACTION_TYPE_FAILED_IMAGE_PATH_NOT_IN_STORAGE_DOMAIN', {
              path: input.diskPath,
              importDir: 'a storage domain (use ImportImage with vmId)',
            }).failure
          : null,
    );
    if (f) return invalid(f);
    const initialization =
      input.initialization === undefined
        ? undefined
        : mergedInitialization(vmInitialization(c, vm.id), input.initialization);
    let placement: PlacementColumns | undefined;
    if (input.placementPolicy !== undefined) {
      const r = resolvePlacement(c, vm.clusterId, input.placementPolicy, vm.placementPolicy);
      if (!r.ok) return invalid(r.failure);
      placement = placementColumns(r.policy);
    }
    return valid({ vm, initialization, placement });
  },
  execute: (ctx, input, plan) => {
    ctx.database.transaction((tx) => {
      vmsRepo.update(tx, input.id, {
        name: input.name,
        description: input.description,
        memoryBytes: input.memoryBytes,
        vcpus: input.vcpus,
        // Issue 16: boot order is configuration; a running VM uses it from its next start.
        bootDevices: input.bootDevices?.join(','),
        ...(plan.initialization === undefined ? {} : initializationColumns(plan.initialization)),
        // Issue 17: placement is configuration; a running VM stays where it runs.
        ...(plan.placement ?? {}),
      });
    });
    ctx.events.entity('vm', input.id, 'updated');
    const v = vmsRepo.findById(ctx.database.db, input.id);
    if (!v) throw notFound('vm', input.id);
    return Promise.resolve(v);
  },
  subject: (input, plan) => ({
    description: `VM ${plan?.vm.name ?? input.id}`,
    vmId: input.id,
  }),
});
