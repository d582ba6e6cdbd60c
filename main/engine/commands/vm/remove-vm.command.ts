// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveVm: only while down (and not `image_locked`); the libvirt definition (if any) goes
 * first, then its cloud-init seed. The VM's own disks are removed with it unless `detachOnly` (they stay as floating
 * disks), as oVirt's RemoveVmCommand.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { diskAttachmentsRepo } from '../../../../db/repos/disks.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { hostFailure } from '../../host-networks';
import { firstFailure, invalid, notFound, valid } from '../../validation';
import {
  diskRows,
  validateDisksFree,
  validateVmNotImageLocked,
} from '../../validators/storage.validator';
import { validateVmTransition } from '../../validators/vm.validator';
import { removeDisks } from '../storage/disk-ops';

interface Plan {
  readonly vm: Vm;
  readonly diskIds: readonly string[];
}

export const RemoveVmCommand = defineCommand<'RemoveVm', Plan>({
  action: 'remove',
  type: 'VM',
  auditCode: 'USER_REMOVE_VM',
  locks: (_ctx, input) => [lockKey.vm(input.id)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.id);
    if (!vm) throw notFound('vm', input.id);
    const diskIds = diskAttachmentsRepo.listRowsByVm(c, vm.id).map((a) => a.diskId);
    const disks = diskRows(c, diskIds);
    const f = firstFailure(
      () => validateVmNotImageLocked(vm),
      () => validateVmTransition(vm.status, 'remove'),
      // Illegal disks may go (cleaning up a failed copy); locked or transferred ones not.
      () =>
        validateDisksFree(
          c,
          disks.filter((d) => d.status !== 'illegal'),
        ),
    );
    return f ? invalid(f) : valid({ vm, diskIds });
  },
  execute: async (ctx, input, plan) => {
    await ctx.host.domainUndefine(input.id).catch((e: unknown) => {
      throw hostFailure(e);
    });
    // Its cloud-init seed (holds a password hash) goes with the domain.
    await ctx.host.removeCloudInitSeed(input.id).catch((e: unknown) => {
      throw hostFailure(e);
    });
    // Its per-VM files (serial log) too, before the row: a crash between the two leaves a VM
    // whose next boot writes a new log, never a directory no VM owns (issue 15: destroy
    // leaves nothing behind).
    await rm(join(ctx.dataDir, 'vms', input.id), { recursive: true, force: true });
    if (input.detachOnly === true || plan.diskIds.length === 0) {
      ctx.database.transaction((tx) => {
        for (const id of plan.diskIds) diskAttachmentsRepo.delete(tx, id);
        vmsRepo.delete(tx, input.id);
      });
    } else {
      await removeDisks(ctx, 'RemoveVm', 'vm-remove-disks', plan.diskIds, (tx) => {
        vmsRepo.delete(tx, input.id);
      });
    }
    ctx.events.entity('vm', input.id, 'removed');
    return null;
  },
  subject: (input, plan) => ({ description: `VM ${plan?.vm.name ?? input.id}`, vmId: input.id }),
});
