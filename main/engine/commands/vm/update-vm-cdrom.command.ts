// SPDX-License-Identifier: Apache-2.0
/**
 * UpdateVmCdrom (`PUT /vms/{id}/cdroms/{cdrom}`, oVirt's ChangeDisk): insert an ISO disk into
 * the VM's CD-ROM or eject it (`fileId` null). Without `current` the persistent configuration
 * changes (the next start uses it); with `current` the running VM's medium changes at once —
 * host first (`virsh change-media --live`), then the database records what the host took.
 * Only an ISO disk (content type `iso`, `ok`) goes in: a data disk is refused.
 */
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { VmCdrom } from '../../../contract/cdroms';
import { HostError } from '../../../contract/errors';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { CommandFailure, failWith, invalid, notFound, valid } from '../../validation';
import { diskLock } from '../storage/disk-ops';
import { resolveIso, vmCdrom } from './cdrom-common';

const RUNNING = new Set(['up', 'paused', 'powering_up', 'powering_down']);

interface Plan {
  readonly vm: Vm;
  /** The ISO's volume path (null: eject). */
  readonly path: string | null;
  readonly alias: string | null;
}

export const UpdateVmCdromCommand = defineCommand<'UpdateVmCdrom', Plan>({
  action: 'change',
  type: 'CD',
  auditCode: 'USER_CHANGE_DISK_VM',
  locks: (_ctx, input) => [
    lockKey.vm(input.vmId),
    ...(input.fileId === null ? [] : [diskLock(input.fileId)]),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    if (input.current === true) {
      const f = failWith('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING').when(!RUNNING.has(vm.status));
      if (f) return invalid(f);
    }
    if (input.fileId === null) return valid({ vm, path: null, alias: null });
    const iso = resolveIso(c, input.fileId);
    if (!iso.ok) return invalid(iso.failure);
    return valid({ vm, path: iso.path, alias: iso.disk.alias });
  },
  execute: async (ctx, input, plan): Promise<VmCdrom> => {
    if (input.current === true) {
      if (!ctx.host.domainChangeMedia)
        throw new CommandFailure('HYPERVISOR_ERROR', { detail: 'the host cannot change media' });
      try {
        await ctx.host.domainChangeMedia(input.vmId, plan.path);
      } catch (e) {
        if (!(e instanceof HostError)) throw e;
        throw new CommandFailure('HYPERVISOR_ERROR', { detail: e.message }, { cause: e });
      }
      ctx.database.transaction((tx) => {
        vmsRepo.update(tx, input.vmId, { currentCdromDiskId: input.fileId });
      });
    } else {
      ctx.database.transaction((tx) => {
        vmsRepo.update(tx, input.vmId, { cdromDiskId: input.fileId });
      });
    }
    ctx.events.entity('vm', input.vmId, 'updated');
    const cdrom = vmCdrom(ctx.database.db, input.vmId, input.current === true);
    if (!cdrom) throw notFound('vm', input.vmId);
    return cdrom;
  },
  subject: (input, plan) => ({
    description:
      `VM ${plan?.vm.name ?? input.vmId} CD-ROM: ` +
      (input.fileId === null ? 'ejected' : `${plan?.alias ?? input.fileId} inserted`) +
      (input.current === true ? ' (running VM)' : ''),
    vmId: input.vmId,
  }),
});
