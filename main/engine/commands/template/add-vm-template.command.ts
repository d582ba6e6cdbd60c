// SPDX-License-Identifier: Apache-2.0
/**
 * AddVmTemplate (`POST /templates`, oVirt AddVmTemplateCommand): from a down VM. Each VM disk
 * is copied (its chain collapsed, qemu-img convert) into a disk of the template; the template
 * is `locked` and the VM `image_locked` until the copies finish, then `ok` / `down`. With
 * `version.baseTemplate` it becomes a new version of that template (same name allowed).
 */
import { randomUUID } from 'node:crypto';

import { diskAttachmentsRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import { storageDomainsRepo } from '../../../../db/repos/storage-domains.repo';
import { initializationColumns, templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { BLANK_TEMPLATE_ID, type Template } from '../../../contract/templates';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { resolveTemplate } from '../../resolve';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import {
  diskRows,
  resolveStorageDomain,
  validateDiskName,
  validateDisksFree,
} from '../../validators/storage.validator';
import { copyAllocation } from '../storage/chains';
import { createDisks } from '../storage/create-disks';
import { type NewDisk, planNewDisk } from '../storage/new-disk';
import {
  mergedInitialization,
  storedInitializationFailure,
  vmInitialization,
} from '../vm/vm-initialization';

interface Plan {
  readonly id: string;
  readonly vm: Vm;
  readonly disks: readonly NewDisk[];
  readonly base: Template | null;
  readonly versionNumber: number;
}

export const AddVmTemplateCommand = defineCommand<'AddVmTemplate', Plan>({
  action: 'add',
  type: 'Template',
  auditCode: 'USER_ADD_VM_TEMPLATE',
  locks: (ctx, input) => {
    const vm =
      input.vm.id !== undefined
        ? input.vm.id
        : input.vm.name !== undefined
          ? vmsRepo.findByName(ctx.database.db, input.vm.name)?.id
          : undefined;
    return [`template-name:${input.name}`, ...(vm ? [lockKey.vm(vm)] : [])];
  },
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm =
      input.vm.id !== undefined
        ? vmsRepo.findById(c, input.vm.id)
        : vmsRepo.findByName(c, input.vm.name ?? '');
    if (!vm || (input.vm.name !== undefined && vm.name !== input.vm.name))
      throw notFound('vm', input.vm.id ?? input.vm.name ?? '');
    let base: Template | null = null;
    if (input.version) {
      const b = resolveTemplate(c, input.version.baseTemplate);
      if (!b.ok) return invalid(b.failure);
      base = b.value;
    }
    const atts = diskAttachmentsRepo.listRowsByVm(c, vm.id);
    const rows = diskRows(
      c,
      atts.map((a) => a.diskId),
    );
    const unknown = (input.disks ?? []).find((o) => !atts.some((a) => a.diskId === o.id));
    const f = firstFailure(
      () => validateDiskName(input.name),
      () =>
        failWith('ACTION_TYPE_FAILED_TEMPLATE_NAME_ALREADY_USED').when(
          base === null && templatesRepo.findByName(c, input.name) !== null,
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST').when(
          base !== null && base.id === BLANK_TEMPLATE_ID,
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED', { vmName: vm.name }).when(
          vm.status === 'image_locked',
        ),
      () =>
        failWith('VMT_CANNOT_CREATE_TEMPLATE_FROM_DOWN_VM', {
          vmName: vm.name,
          vmStatus: vm.status,
        }).when(vm.status !== 'down'),
      () =>
        unknown
          ? failWith('ACTION_TYPE_FAILED_DISK_NOT_OF_SOURCE', {
              diskId: unknown.id,
              sourceName: vm.name,
            }).failure
          : null,
      () => validateDisksFree(c, rows),
      () => (input.initialization ? storedInitializationFailure(input.initialization) : null),
    );
    if (f) return invalid(f);
    const id = randomUUID();
    const disks: NewDisk[] = [];
    for (const a of atts) {
      const src = rows.find((d) => d.id === a.diskId);
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
      const format = o?.format ?? src.format;
      disks.push(
        planNewDisk({
          alias: o?.name ?? src.alias,
          description: src.description,
          format,
          sparse: o?.sparse ?? format === 'cow',
          provisionedSize: src.provisionedSize,
          contentType: src.contentType,
          wipeAfterDelete: src.wipeAfterDelete,
          domain,
          source: {
            kind: 'copy',
            sourcePath: top.path,
            allocation: copyAllocation(c, src.id, src.provisionedSize),
          },
          snapshotId: null,
          attach: {
            templateId: id,
            interface: a.interface,
            bootable: a.bootable,
            active: a.active,
            readOnly: a.readOnly,
            passDiscard: a.passDiscard,
          },
        }),
      );
    }
    const versionNumber =
      base === null
        ? 1
        : Math.max(
            ...templatesRepo
              .list(c)
              .filter((t) => t.version.baseTemplateId === base.version.baseTemplateId)
              .map((t) => t.version.versionNumber),
          ) + 1;
    return valid({ id, vm, disks, base, versionNumber });
  },
  execute: async (ctx, input, plan): Promise<Template> => {
    const { vm } = plan;
    const insert = (tx: Parameters<Parameters<typeof ctx.database.transaction>[0]>[0]): void => {
      templatesRepo.insert(tx, {
        id: plan.id,
        name: plan.base ? plan.base.name : input.name,
        description: input.description ?? vm.description,
        memoryBytes: vm.memoryBytes,
        vcpus: vm.vcpus,
        boot: vm.boot.kind === 'tiny' ? 'tiny' : plan.disks.length > 0 ? 'disks' : 'none',
        status: plan.disks.length > 0 ? 'locked' : 'ok',
        versionNumber: plan.versionNumber,
        versionName: input.version?.versionName ?? (plan.base ? input.name : 'base version'),
        baseTemplateId: plan.base ? plan.base.version.baseTemplateId : plan.id,
        sourceVmId: vm.id,
        // oVirt copies the VM's initialization (password included) unless one is given.
        ...initializationColumns(
          mergedInitialization(vmInitialization(tx, vm.id), input.initialization),
        ),
      });
      if (plan.disks.length > 0) vmsRepo.update(tx, vm.id, { status: 'image_locked' });
    };
    if (plan.disks.length === 0) ctx.database.transaction(insert);
    else
      await createDisks(ctx, {
        command: 'AddVmTemplate',
        kind: 'template-create',
        disks: plan.disks,
        before: insert,
        after: (tx) => {
          templatesRepo.update(tx, plan.id, { status: 'ok' });
          vmsRepo.update(tx, vm.id, { status: 'down' });
        },
        vms: [vm.id],
        templates: [plan.id],
        description: `Copying the disks of VM ${vm.name} into template ${input.name}`,
        auditCode: 'USER_ADD_VM_TEMPLATE_FINISHED_SUCCESS',
        vmId: vm.id,
      });
    ctx.events.entity('template', plan.id, 'added');
    ctx.events.entity('vm', vm.id, 'updated');
    const t = templatesRepo.findById(ctx.database.db, plan.id);
    if (!t) throw notFound('template', plan.id);
    return t;
  },
  subject: (input, plan) => ({ description: `Template ${input.name}`, vmId: plan?.vm.id ?? null }),
});
