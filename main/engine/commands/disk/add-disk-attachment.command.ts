// SPDX-License-Identifier: Apache-2.0
/**
 * AddDiskAttachment (`POST /vms/{id}/diskattachments`): attach an existing floating disk
 * (`disk.id`), or create a new one and attach it. oVirt: `active` omitted means not plugged
 * for an existing disk, plugged for a new one. Plugging into a running VM (hotplug) is not
 * supported here: the VM must be down for an active attachment.
 */
import { diskAttachmentsRepo, disksRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import type { StorageDomainRow } from '../../../../db/repos/storage-domains.repo';
import { templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import type { DiskAttachment } from '../../../contract/disks';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateDisksFree, validateVmNotImageLocked } from '../../validators/storage.validator';
import { createDisks } from '../storage/create-disks';
import { attachmentView, diskLock } from '../storage/disk-ops';
import { type DiskSpecInput, newDiskOf, validateDiskSpec } from './add-disk.command';

type Plan =
  | {
      readonly kind: 'existing';
      readonly vm: Vm;
      readonly diskId: string;
      readonly active: boolean;
    }
  | {
      readonly kind: 'new';
      readonly vm: Vm;
      readonly domain: StorageDomainRow;
      readonly active: boolean;
    };

const isSpec = (d: { id: string } | DiskSpecInput): d is DiskSpecInput => 'name' in d;

export const AddDiskAttachmentCommand = defineCommand<'AddDiskAttachment', Plan>({
  action: 'attach',
  type: 'Disk',
  auditCode: 'USER_ATTACH_DISK_TO_VM',
  locks: (_ctx, input) => [
    lockKey.vm(input.vmId),
    ...(input.disk.id !== undefined ? [diskLock(input.disk.id)] : []),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const existingBoot = input.bootable
      ? diskAttachmentsRepo.listRowsByVm(c, vm.id).find((a) => a.bootable)
      : undefined;
    const bootDisk = existingBoot ? disksRepo.findRow(c, existingBoot.diskId) : null;
    const common = firstFailure(
      () => validateVmNotImageLocked(vm),
      () =>
        failWith('ACTION_TYPE_FAILED_DISK_BOOT_IN_USE', { diskAlias: bootDisk?.alias ?? '' }).when(
          existingBoot !== undefined,
        ),
    );
    if (common) return invalid(common);
    const disk = input.disk;
    if (!isSpec(disk)) {
      const d = disksRepo.findRow(c, disk.id);
      if (!d) return invalid(failWith('ACTION_TYPE_FAILED_DISK_NOT_EXIST').failure);
      const att = diskAttachmentsRepo.find(c, d.id);
      const owner = att?.vmId
        ? (vmsRepo.findById(c, att.vmId)?.name ?? att.vmId)
        : att?.templateId
          ? (templatesRepo.findById(c, att.templateId)?.name ?? att.templateId)
          : null;
      const active = input.active ?? false;
      const f = firstFailure(
        () =>
          failWith('ACTION_TYPE_FAILED_NOT_SHAREABLE_DISK_ALREADY_ATTACHED', {
            entityName: owner ?? '',
          }).when(owner !== null),
        () => validateDisksFree(c, [d]),
        () =>
          failWith('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', { vmName: vm.name }).when(
            active && vm.status !== 'down',
          ),
      );
      return f ? invalid(f) : valid({ kind: 'existing', vm, diskId: d.id, active });
    }
    const active = input.active ?? true;
    const v = validateDiskSpec(ctx, disk);
    if (!v.ok) return v;
    const f = failWith('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', { vmName: vm.name }).when(
      active && vm.status !== 'down',
    );
    return f ? invalid(f) : valid({ kind: 'new', vm, domain: v.plan, active });
  },
  execute: async (ctx, input, plan): Promise<DiskAttachment> => {
    const attach = {
      vmId: plan.vm.id,
      interface: input.interface,
      bootable: input.bootable,
      active: plan.active,
      readOnly: input.readOnly,
      passDiscard: input.passDiscard,
    };
    const activeSnapshot = snapshotsRepo.active(ctx.database.db, plan.vm.id)?.id ?? null;
    if (plan.kind === 'existing') {
      ctx.database.transaction((tx) => {
        diskAttachmentsRepo.insert(tx, { diskId: plan.diskId, ...attach });
      });
      ctx.events.entity('disk_attachment', plan.diskId, 'added');
      return attachmentView(ctx, plan.diskId);
    }
    const disk = input.disk as DiskSpecInput;
    const nd = newDiskOf(disk, plan.domain, attach, activeSnapshot);
    await createDisks(ctx, {
      command: 'AddDiskAttachment',
      kind: 'disk-create',
      disks: [nd],
      description: `Creating disk ${nd.alias} for VM ${plan.vm.name}`,
      auditCode: 'USER_ADD_DISK_TO_VM_FINISHED',
      vmId: plan.vm.id,
    });
    ctx.events.entity('disk_attachment', nd.diskId, 'added');
    return attachmentView(ctx, nd.diskId);
  },
  subject: (input, plan) => ({
    description: `Disk attachment of VM ${plan?.vm.name ?? input.vmId}`,
    vmId: input.vmId,
  }),
});
