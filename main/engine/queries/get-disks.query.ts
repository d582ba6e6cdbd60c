// SPDX-License-Identifier: Apache-2.0
/** Disk and disk attachment queries. */
import { diskAttachmentsRepo, disksRepo } from '../../../db/repos/disks.repo';
import { templatesRepo, vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { must } from './must';

export const GetAllDisks: Query<'GetAllDisks'> = (ctx) => disksRepo.list(ctx.database.db);

export const GetDiskById: Query<'GetDiskById'> = (ctx, i) =>
  must(disksRepo.findById(ctx.database.db, i.id), 'disk', i.id);

export const GetDiskAttachmentsByVmId: Query<'GetDiskAttachmentsByVmId'> = (ctx, i) => {
  must(vmsRepo.findById(ctx.database.db, i.vmId), 'vm', i.vmId);
  return diskAttachmentsRepo.listByVm(ctx.database.db, i.vmId);
};

export const GetDiskAttachmentById: Query<'GetDiskAttachmentById'> = (ctx, i) => {
  const a = diskAttachmentsRepo.findView(ctx.database.db, i.id);
  return must(a && a.vmId === i.vmId ? a : null, 'disk_attachment', i.id);
};

export const GetDiskAttachmentsByTemplateId: Query<'GetDiskAttachmentsByTemplateId'> = (ctx, i) => {
  must(templatesRepo.findById(ctx.database.db, i.templateId), 'template', i.templateId);
  return diskAttachmentsRepo.listByTemplate(ctx.database.db, i.templateId);
};
