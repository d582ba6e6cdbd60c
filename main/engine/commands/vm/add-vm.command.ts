// SPDX-License-Identifier: Apache-2.0
/**
 * AddVm: from `tiny` (boots the demo guest), `Blank` (no disks), or a template with disks.
 * From a template the VM's disks are thin qcow2 overlays on the template's volumes (default,
 * created in well under a second whatever the image size) or independent collapsed copies
 * (`clone`); the VM is `image_locked` until they exist, then `down` (oVirt AddVmCommand).
 * The deprecated `diskPath` no longer boots a host file in place (issue 10 item 9): a file
 * inside a storage domain directory is imported (copied) as the VM's bootable disk.
 */
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';

import { diskAttachmentsRepo, disksRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import {
  type StorageDomainRow,
  storageDomainsRepo,
} from '../../../../db/repos/storage-domains.repo';
import { initializationColumns, templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import type { Cluster } from '../../../contract/clusters';
import { ACTIVE_VM_SNAPSHOT_DESCRIPTION } from '../../../contract/snapshots';
import type { Template } from '../../../contract/templates';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { type PlacementColumns, placementColumns, resolvePlacement } from '../../placement';
import { resolveCluster, resolveTemplate } from '../../resolve';
import {
  CommandFailure,
  failWith,
  firstFailure,
  invalid,
  notFound,
  valid,
  type ValidationResult,
} from '../../validation';
import {
  resolveStorageDomain,
  validateDisksFree,
  validateTemplateUsable,
} from '../../validators/storage.validator';
import { validateVmName, validateVmSize } from '../../validators/vm.validator';
import { copyAllocation } from '../storage/chains';
import { createDisks } from '../storage/create-disks';
import { templateLock } from '../storage/disk-ops';
import { type NewDisk, planNewDisk } from '../storage/new-disk';
import { importDir, isInside } from '../storage/storage-paths';
import { mergedInitialization, storedInitializationFailure } from './vm-initialization';

interface Plan {
  readonly cluster: Cluster;
  readonly template: Template;
  readonly id: string;
  readonly snapshotId: string;
  readonly disks: readonly NewDisk[];
  /** Legacy `diskPath`: the file to import and the domain it lies in. */
  readonly importFrom: { readonly path: string; readonly domain: StorageDomainRow } | null;
  /** Issue 17: the placement policy to store (hosts resolved to ids). */
  readonly placement: PlacementColumns;
}

/** The storage domain whose directory holds `path` (lexically), or null. */
export function domainHolding(
  domains: readonly StorageDomainRow[],
  path: string,
): StorageDomainRow | null {
  return domains.find((d) => isInside(path, d.path)) ?? null;
}

/** Refuse a file outside every storage domain (before and after resolving symlinks). */
export function checkImportPath(
  domains: readonly StorageDomainRow[],
  path: string,
  resolve = false,
): ValidationResult {
  const local = domains.find((d) => d.master) ?? domains[0];
  let real = path;
  if (resolve) {
    try {
      real = realpathSync(path);
    } catch {
      real = path;
    }
  }
  const inside =
    path.startsWith('/') &&
    domainHolding(domains, path) !== null &&
    domainHolding(domains, real) !== null;
  return failWith('ACTION_TYPE_FAILED_IMAGE_PATH_NOT_IN_STORAGE_DOMAIN', {
    path,
    importDir: local ? importDir(local.path) : '<storage domain>/import',
  }).when(!inside);
}

export const AddVmCommand = defineCommand<'AddVm', Plan>({
  action: 'add',
  type: 'VM',
  auditCode: 'USER_ADD_VM',
  // The template too: RemoveVmTemplate must not pass its "no VMs" check meanwhile.
  locks: (ctx, input) => {
    const t = resolveTemplate(ctx.database.db, input.template);
    return [lockKey.vmName(input.name), ...(t.ok ? [templateLock(t.value.id)] : [])];
  },
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const cluster = resolveCluster(c, input.cluster);
    if (!cluster.ok) return invalid(cluster.failure);
    const template = resolveTemplate(c, input.template);
    if (!template.ok) return invalid(template.failure);
    const t = template.value;
    const f = firstFailure(
      () => validateVmName(input.name),
      () =>
        failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(
          vmsRepo.findByName(c, input.name) !== null,
        ),
      () => validateVmSize(input.memoryBytes ?? t.memoryBytes, input.vcpus ?? t.vcpus),
      () => validateTemplateUsable(t),
      () => (input.initialization ? storedInitializationFailure(input.initialization) : null),
    );
    if (f) return invalid(f);
    const id = randomUUID();
    const snapshotId = randomUUID();
    const attachments = diskAttachmentsRepo.listRowsByTemplate(c, t.id);
    const templateDisks = attachments
      .map((a) => disksRepo.findRow(c, a.diskId))
      .filter((d) => d !== null);
    const unknown = (input.disks ?? []).find((o) => !attachments.some((a) => a.diskId === o.id));
    if (unknown)
      return invalid(
        failWith('ACTION_TYPE_FAILED_DISK_NOT_OF_SOURCE', {
          diskId: unknown.id,
          sourceName: t.name,
        }).failure,
      );
    const busy = validateDisksFree(c, templateDisks);
    if (busy) return invalid(busy);
    const disks: NewDisk[] = [];
    for (const a of attachments) {
      const src = templateDisks.find((d) => d.id === a.diskId);
      const top = volumesRepo.active(c, a.diskId);
      if (!src || !top) continue;
      const o = input.disks?.find((x) => x.id === a.diskId);
      let domain = storageDomainsRepo.findById(c, src.storageDomainId);
      if (o?.storageDomain) {
        const r = resolveStorageDomain(c, o.storageDomain);
        if (!r.ok) return invalid(r.failure);
        domain = r.value;
      }
      if (!domain) return invalid(failWith('ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST').failure);
      const clone = input.clone === true;
      // A thin disk is a qcow2 overlay whose backing is the template volume: same domain.
      const thinDomain = storageDomainsRepo.findById(c, src.storageDomainId) ?? domain;
      const format = clone ? (o?.format ?? src.format) : 'cow';
      disks.push(
        planNewDisk({
          alias: o?.name ?? `${input.name}_${src.alias}`,
          description: src.description,
          format,
          sparse: clone ? (o?.sparse ?? format === 'cow') : true,
          provisionedSize: src.provisionedSize,
          contentType: src.contentType,
          wipeAfterDelete: src.wipeAfterDelete,
          domain: clone ? domain : thinDomain,
          source: clone
            ? {
                kind: 'copy',
                sourcePath: top.path,
                allocation: copyAllocation(c, src.id, src.provisionedSize),
              }
            : {
                kind: 'overlay',
                parentVolumeId: top.id,
                backingPath: top.path,
                backingFormat: top.format,
              },
          snapshotId,
          attach: {
            vmId: id,
            interface: a.interface,
            bootable: a.bootable,
            active: a.active,
            readOnly: a.readOnly,
            passDiscard: a.passDiscard,
          },
        }),
      );
    }
    let importFrom: Plan['importFrom'] = null;
    if (input.diskPath !== undefined) {
      const domains = storageDomainsRepo.list(c);
      const bad = checkImportPath(domains, input.diskPath);
      if (bad) return invalid(bad);
      const domain = domainHolding(domains, input.diskPath);
      if (!domain) return invalid(failWith('ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST').failure);
      importFrom = { path: input.diskPath, domain };
    }
    const placement = resolvePlacement(c, cluster.value.id, input.placementPolicy ?? {}, undefined);
    if (!placement.ok) return invalid(placement.failure);
    return valid({
      cluster: cluster.value,
      template: t,
      id,
      snapshotId,
      disks,
      importFrom,
      placement: placementColumns(placement.policy),
    });
  },
  execute: async (ctx, input, plan): Promise<Vm> => {
    const disks = [...plan.disks];
    if (plan.importFrom) {
      const bad = checkImportPath(
        storageDomainsRepo.list(ctx.database.db),
        plan.importFrom.path,
        true,
      );
      if (bad) throw new CommandFailure(bad.code, bad.vars);
      const info = await ctx.host
        .checkVolume(plan.importFrom.path, 'qcow2')
        .catch(() => ctx.host.volumeInfo(plan.importFrom?.path ?? ''));
      disks.push(
        planNewDisk({
          alias: `${input.name}_disk`,
          description: `Imported from ${plan.importFrom.path}`,
          format: 'cow',
          sparse: true,
          provisionedSize: info.virtualSize,
          contentType: 'data',
          wipeAfterDelete: false,
          domain: plan.importFrom.domain,
          source: {
            kind: 'copy',
            sourcePath: plan.importFrom.path,
            allocation: Math.min(info.actualSize, info.virtualSize),
          },
          snapshotId: plan.snapshotId,
          attach: {
            vmId: plan.id,
            interface: 'virtio',
            bootable: true,
            active: true,
            readOnly: false,
            passDiscard: false,
          },
        }),
      );
    }
    const bootKind = plan.template.boot === 'tiny' ? 'tiny' : disks.length > 0 ? 'disks' : 'none';
    const insertVm = (tx: Parameters<Parameters<typeof ctx.database.transaction>[0]>[0]): void => {
      vmsRepo.insert(tx, {
        id: plan.id,
        name: input.name,
        description: input.description ?? '',
        clusterId: plan.cluster.id,
        templateId: plan.template.id,
        memoryBytes: input.memoryBytes ?? plan.template.memoryBytes,
        vcpus: input.vcpus ?? plan.template.vcpus,
        status: disks.length > 0 ? 'image_locked' : 'down',
        bootKind,
        diskPath: null,
        // Issue 16: oVirt `os.boot.devices` (null = hd).
        bootDevices: input.bootDevices?.join(',') ?? null,
        ...plan.placement,
        // The template's initialization unless one is given (oVirt: the VM inherits it; a
        // masked or absent password in the given one is the template's).
        ...initializationColumns(
          mergedInitialization(
            templatesRepo.findInitialization(tx, plan.template.id),
            input.initialization,
          ),
        ),
      });
      snapshotsRepo.insert(tx, {
        id: plan.snapshotId,
        vmId: plan.id,
        type: 'active',
        status: 'ok',
        description: ACTIVE_VM_SNAPSHOT_DESCRIPTION,
      });
    };
    if (disks.length === 0) {
      ctx.database.transaction(insertVm);
    } else {
      await createDisks(ctx, {
        command: 'AddVm',
        kind: 'vm-disks-create',
        disks,
        before: insertVm,
        after: (tx) => {
          vmsRepo.update(tx, plan.id, { status: 'down' });
        },
        vms: [plan.id],
        description: `Creating the disks of VM ${input.name}`,
        auditCode: 'USER_ADD_VM_FINISHED_SUCCESS',
        vmId: plan.id,
      });
    }
    ctx.events.entity('vm', plan.id, 'added');
    const vm = vmsRepo.findById(ctx.database.db, plan.id);
    if (!vm) throw notFound('vm', plan.id);
    return vm;
  },
  subject: (input, plan) => ({
    description: `VM ${input.name}`,
    vmId: plan?.id ?? null,
    clusterId: plan?.cluster.id ?? null,
  }),
});
