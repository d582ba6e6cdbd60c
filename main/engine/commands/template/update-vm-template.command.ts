// SPDX-License-Identifier: Apache-2.0
/**
 * UpdateVmTemplate (`PUT /templates/{id}`, oVirt UpdateVmTemplateCommand). As in oVirt: a
 * template version keeps its base template's name (only its version name changes), a base
 * template's new name must be free (its versions follow it), and a template whose disks are
 * still being copied is not edited. Blank is editable (oVirt 4: it holds the defaults of new
 * VMs), except while locked, which it never is.
 */
import { templatesRepo } from '../../../../db/repos/vms.repo';
import type { Template } from '../../../contract/templates';
import { defineCommand } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateVmName, validateVmSize } from '../../validators/vm.validator';
import { templateLock } from '../storage/disk-ops';

interface Plan {
  readonly template: Template;
  /** The ids renamed with it: the whole version family of a base template. */
  readonly renamed: readonly string[];
}

export const UpdateVmTemplateCommand = defineCommand<'UpdateVmTemplate', Plan>({
  action: 'update',
  type: 'Template',
  auditCode: 'USER_UPDATE_VM_TEMPLATE',
  locks: (_ctx, input) => [
    templateLock(input.id),
    ...(input.name === undefined ? [] : [`template-name:${input.name}`]),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const t = templatesRepo.findById(c, input.id);
    if (!t) throw notFound('template', input.id);
    const renaming = input.name !== undefined && input.name !== t.name;
    const isBase = t.version.baseTemplateId === t.id;
    const family = templatesRepo
      .list(c)
      .filter((x) => x.version.baseTemplateId === t.version.baseTemplateId);
    // Names are unique per version family: versions share their base template's name.
    const taken =
      renaming &&
      templatesRepo
        .list(c)
        .some(
          (x) => x.name === input.name && x.version.baseTemplateId !== t.version.baseTemplateId,
        );
    const f = firstFailure(
      () => (input.name === undefined ? null : validateVmName(input.name)),
      () => failWith('VMT_CANNOT_UPDATE_VERSION_NAME').when(renaming && !isBase),
      () => failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(taken),
      () =>
        failWith('VM_TEMPLATE_IMAGE_IS_LOCKED', { templateName: t.name }).when(
          t.status === 'locked',
        ),
      () => validateVmSize(input.memoryBytes ?? t.memoryBytes, input.vcpus ?? t.vcpus),
    );
    if (f) return invalid(f);
    return valid({ template: t, renamed: renaming ? family.map((x) => x.id) : [] });
  },
  execute: (ctx, input, plan) => {
    ctx.database.transaction((tx) => {
      templatesRepo.update(tx, input.id, {
        description: input.description,
        versionName: input.versionName,
        memoryBytes: input.memoryBytes,
        vcpus: input.vcpus,
      });
      for (const id of plan.renamed) templatesRepo.update(tx, id, { name: input.name });
    });
    for (const id of new Set([input.id, ...plan.renamed]))
      ctx.events.entity('template', id, 'updated');
    const t = templatesRepo.findById(ctx.database.db, input.id);
    if (!t) throw notFound('template', input.id);
    return Promise.resolve(t);
  },
  subject: (input, plan) => ({ description: `Template ${plan?.template.name ?? input.id}` }),
});
