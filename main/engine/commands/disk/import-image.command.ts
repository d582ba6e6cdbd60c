// SPDX-License-Identifier: Apache-2.0
/**
 * ImportImage: an image file already on this machine becomes a disk, copied (and converted)
 * into a storage domain with progress, without going through HTTP. Only files inside a
 * storage domain directory are read (e.g. `<domain>/import/`), never any host file (issue 10
 * item 9). The image is checked first (`qemu-img check`, no backing file allowed), so a
 * corrupted or truncated image is refused before a disk exists. With `vmId` the disk is
 * attached to that VM (bootable by default).
 */
import { diskAttachmentsRepo, disksRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import {
  type StorageDomainRow,
  storageDomainsRepo,
} from '../../../../db/repos/storage-domains.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Disk } from '../../../contract/disks';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { hostFailure } from '../../host-networks';
import { CommandFailure, failWith, firstFailure, invalid, valid } from '../../validation';
import {
  resolveStorageDomain,
  validateDiskName,
  validateVmDownForStorage,
} from '../../validators/storage.validator';
import { createDisks } from '../storage/create-disks';
import { diskView } from '../storage/disk-ops';
import { planNewDisk } from '../storage/new-disk';
import { diskFormatOf } from '../storage/storage-paths';
import { checkImportPath, domainHolding } from '../vm/add-vm.command';

interface Plan {
  readonly domain: StorageDomainRow;
  readonly vm: Vm | null;
  readonly bootable: boolean;
}

export const ImportImageCommand = defineCommand<'ImportImage', Plan>({
  action: 'import',
  type: 'Disk',
  auditCode: 'USER_IMPORT_IMAGE',
  locks: (_ctx, input) => (input.vmId ? [lockKey.vm(input.vmId)] : []),
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const domains = storageDomainsRepo.list(c);
    const badPath = checkImportPath(domains, input.path);
    if (badPath) return invalid(badPath);
    let domain = domainHolding(domains, input.path);
    if (input.storageDomain) {
      const r = resolveStorageDomain(c, input.storageDomain);
      if (!r.ok) return invalid(r.failure);
      domain = r.value;
    }
    if (!domain) return invalid(failWith('ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST').failure);
    const vm = input.vmId ? vmsRepo.findById(c, input.vmId) : null;
    if (input.vmId && !vm)
      return invalid(failWith('ENTITY_NOT_FOUND', { entity: 'vm', id: input.vmId }).failure);
    const bootable = vm !== null && (input.bootable ?? true);
    const otherBoot =
      vm && bootable
        ? diskAttachmentsRepo.listRowsByVm(c, vm.id).find((a) => a.bootable)
        : undefined;
    const f = firstFailure(
      () => validateDiskName(input.name),
      () => (vm ? validateVmDownForStorage(vm) : null),
      () =>
        failWith('ACTION_TYPE_FAILED_DISK_BOOT_IN_USE', {
          diskAlias: otherBoot ? (disksRepo.findRow(c, otherBoot.diskId)?.alias ?? '') : '',
        }).when(otherBoot !== undefined),
    );
    return f ? invalid(f) : valid({ domain, vm, bootable });
  },
  execute: async (ctx, input, plan): Promise<Disk> => {
    const c = ctx.database.db;
    // Again after resolving symlinks: a link inside a domain must not lead outside it.
    const bad = checkImportPath(storageDomainsRepo.list(c), input.path, true);
    if (bad) throw new CommandFailure(bad.code, bad.vars);
    const probed = await ctx.host.volumeInfo(input.path).catch((e: unknown) => {
      throw hostFailure(e);
    });
    const info = await ctx.host
      .checkVolume(input.path, probed.format, { allowBacking: false })
      .catch((e: unknown) => {
        throw hostFailure(e);
      });
    const format = input.format ?? 'cow';
    const nd = planNewDisk({
      alias: input.name,
      description: input.description ?? `Imported from ${input.path}`,
      format,
      sparse: input.sparse ?? format === 'cow',
      provisionedSize: info.virtualSize,
      contentType: 'data',
      wipeAfterDelete: false,
      domain: plan.domain,
      source: {
        kind: 'copy',
        sourcePath: input.path,
        allocation: Math.min(Math.max(info.actualSize, 1), info.virtualSize),
      },
      snapshotId: plan.vm ? (snapshotsRepo.active(c, plan.vm.id)?.id ?? null) : null,
      attach: plan.vm
        ? {
            vmId: plan.vm.id,
            interface: input.interface ?? 'virtio',
            bootable: plan.bootable,
            active: true,
            readOnly: false,
            passDiscard: false,
          }
        : null,
    });
    await createDisks(ctx, {
      command: 'ImportImage',
      kind: 'disk-copy',
      disks: [nd],
      before: (tx) => {
        if (plan.vm)
          vmsRepo.update(tx, plan.vm.id, {
            status: 'image_locked',
            bootKind: plan.vm.boot.kind === 'tiny' ? 'tiny' : 'disks',
          });
      },
      after: (tx) => {
        if (plan.vm) vmsRepo.update(tx, plan.vm.id, { status: 'down' });
      },
      vms: plan.vm ? [plan.vm.id] : [],
      description: `Importing ${input.path} (${diskFormatOf(info.format)}) as disk ${input.name}`,
      auditCode: 'USER_IMPORT_IMAGE_FINISHED_SUCCESS',
      vmId: plan.vm?.id ?? null,
    });
    return diskView(ctx, nd.diskId);
  },
  subject: (input) => ({
    description: `Image ${input.path} as disk ${input.name}`,
    vmId: input.vmId ?? null,
  }),
});
