// SPDX-License-Identifier: Apache-2.0
/** AddVm: from `tiny` (boots the demo guest) or `Blank` (boots a disk image path, if given). */
import { randomUUID } from 'node:crypto';

import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Cluster } from '../../../contract/clusters';
import type { Template } from '../../../contract/templates';
import { defineCommand, lockKey } from '../../command';
import { resolveCluster, resolveTemplate } from '../../resolve';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateVmName, validateVmSize } from '../../validators/vm.validator';

interface Plan {
  readonly cluster: Cluster;
  readonly template: Template;
  readonly id: string;
}

export const AddVmCommand = defineCommand<'AddVm', Plan>({
  action: 'add',
  type: 'VM',
  auditCode: 'USER_ADD_VM',
  locks: (_ctx, input) => [lockKey.vmName(input.name)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const cluster = resolveCluster(c, input.cluster);
    if (!cluster.ok) return invalid(cluster.failure);
    const template = resolveTemplate(c, input.template);
    if (!template.ok) return invalid(template.failure);
    const f = firstFailure(
      () => validateVmName(input.name),
      () =>
        failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(
          vmsRepo.findByName(c, input.name) !== null,
        ),
      () =>
        validateVmSize(
          input.memoryBytes ?? template.value.memoryBytes,
          input.vcpus ?? template.value.vcpus,
        ),
    );
    return f
      ? invalid(f)
      : valid({ cluster: cluster.value, template: template.value, id: randomUUID() });
  },
  execute: (ctx, input, plan) => {
    const bootKind =
      plan.template.boot === 'tiny' ? 'tiny' : input.diskPath !== undefined ? 'disk' : 'none';
    ctx.database.transaction((tx) => {
      vmsRepo.insert(tx, {
        id: plan.id,
        name: input.name,
        description: input.description ?? '',
        clusterId: plan.cluster.id,
        templateId: plan.template.id,
        memoryBytes: input.memoryBytes ?? plan.template.memoryBytes,
        vcpus: input.vcpus ?? plan.template.vcpus,
        bootKind,
        diskPath: input.diskPath ?? null,
        initialization: input.initialization ? JSON.stringify(input.initialization) : null,
      });
    });
    ctx.events.entity('vm', plan.id, 'added');
    const vm = vmsRepo.findById(ctx.database.db, plan.id);
    if (!vm) throw notFound('vm', plan.id);
    return Promise.resolve(vm);
  },
  subject: (input, plan) => ({
    description: `VM ${input.name}`,
    vmId: plan?.id ?? null,
    clusterId: plan?.cluster.id ?? null,
  }),
});
