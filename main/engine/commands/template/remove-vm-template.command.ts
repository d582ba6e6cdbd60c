// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveVmTemplate (`DELETE /templates/{id}`): not Blank, not while locked, not while VMs
 * are made from it (their thin disks stand on its volumes). Its disks go with it.
 */
import { diskAttachmentsRepo } from '../../../../db/repos/disks.repo';
import { volumesRepo } from '../../../../db/repos/disks.repo';
import { templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { BLANK_TEMPLATE_ID, type Template } from '../../../contract/templates';
import { defineCommand } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { removeDisks, templateLock } from '../storage/disk-ops';

interface Plan {
  readonly template: Template;
  readonly diskIds: readonly string[];
}

export const RemoveVmTemplateCommand = defineCommand<'RemoveVmTemplate', Plan>({
  action: 'remove',
  type: 'Template',
  auditCode: 'USER_REMOVE_VM_TEMPLATE',
  locks: (_ctx, input) => [templateLock(input.id)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const t = templatesRepo.findById(c, input.id);
    if (!t) throw notFound('template', input.id);
    const vms = vmsRepo.listByTemplate(c, t.id);
    const diskIds = diskAttachmentsRepo.listRowsByTemplate(c, t.id).map((a) => a.diskId);
    // Disks of other VMs standing on this template's volumes (belt and braces behind vms).
    const dependents = diskIds.flatMap((id) => volumesRepo.dependents(c, id));
    const f = firstFailure(
      () => failWith('VMT_CANNOT_REMOVE_BLANK_TEMPLATE').when(t.id === BLANK_TEMPLATE_ID),
      () =>
        failWith('VM_TEMPLATE_IMAGE_IS_LOCKED', { templateName: t.name }).when(
          t.status === 'locked',
        ),
      () =>
        failWith('VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM', {
          vmsList: vms.map((v) => v.name).join(', ') || `${dependents.length} disk(s)`,
        }).when(vms.length > 0 || dependents.length > 0),
    );
    return f ? invalid(f) : valid({ template: t, diskIds });
  },
  execute: async (ctx, input, plan) => {
    await removeDisks(ctx, 'RemoveVmTemplate', 'template-remove', plan.diskIds, (tx) => {
      templatesRepo.delete(tx, input.id);
    });
    ctx.events.entity('template', input.id, 'removed');
    return null;
  },
  subject: (input, plan) => ({ description: `Template ${plan?.template.name ?? input.id}` }),
});
