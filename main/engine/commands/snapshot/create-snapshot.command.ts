// SPDX-License-Identifier: Apache-2.0
/**
 * CreateSnapshot (`POST /vms/{id}/snapshots`), disk-only, on a down or a running VM: each
 * included disk's active volume freezes (it now belongs to the new snapshot) and a new qcow2
 * overlay on it becomes active. Down: qemu-img creates the overlays. Running: libvirt's
 * disk-only external snapshot switches the guest onto them (all or none). Memory is never
 * saved: the snapshot reports `persistMemoryState` false.
 */
import { randomUUID } from 'node:crypto';

import { diskAttachmentsRepo, disksRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import { storageDomainsRepo } from '../../../../db/repos/storage-domains.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Snapshot } from '../../../contract/snapshots';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import {
  diskRows,
  validateDisksFree,
  validateVmNotImageLocked,
} from '../../validators/storage.validator';
import { recordIntent } from '../storage/storage-intents';
import { dropIntent, runInline } from '../storage/storage-job';
import { volumeFormatOf, volumePath } from '../storage/storage-paths';
import { ensureSpace, QCOW2_OVERHEAD } from '../storage/storage-space';
import { configurationOf, validateNoSnapshotInProgress } from './snapshot-common';

export const SNAPSHOT_DESCRIPTION_MAX = 4000;

interface Layer {
  readonly diskId: string;
  readonly domainId: string;
  /** The volume that freezes. */
  readonly frozenId: string;
  readonly frozenPath: string;
  readonly frozenFormat: 'cow' | 'raw';
  readonly size: number;
  /** The new active overlay. */
  readonly newId: string;
  readonly newPath: string;
  /** Plugged into the running guest: switched live. */
  readonly live: boolean;
}

interface Plan {
  readonly vm: Vm;
  readonly snapshotId: string;
  readonly activeSnapshotId: string;
  readonly layers: readonly Layer[];
}

export const CreateSnapshotCommand = defineCommand<'CreateSnapshot', Plan>({
  action: 'create',
  type: 'Snapshot',
  auditCode: 'USER_CREATE_SNAPSHOT',
  locks: (_ctx, input) => [lockKey.vm(input.vmId)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const atts = diskAttachmentsRepo.listRowsByVm(c, vm.id);
    const wanted = input.diskIds ?? atts.map((a) => a.diskId);
    const missing = wanted.find((id) => !atts.some((a) => a.diskId === id));
    const rows = diskRows(c, wanted);
    const f = firstFailure(
      () =>
        failWith('ACTION_TYPE_FAILED_SNAPSHOT_DESCRIPTION_INVALID', {
          maxLength: SNAPSHOT_DESCRIPTION_MAX,
        }).when(
          input.description.trim().length === 0 ||
            input.description.length > SNAPSHOT_DESCRIPTION_MAX,
        ),
      () => validateVmNotImageLocked(vm),
      () =>
        failWith('ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL', { vmStatus: vm.status }).when(
          vm.status !== 'down' && vm.status !== 'up',
        ),
      () => validateNoSnapshotInProgress(c, vm),
      () => failWith('ACTION_TYPE_FAILED_DISK_NOT_ATTACHED_TO_VM').when(missing !== undefined),
      () => validateDisksFree(c, rows),
    );
    if (f) return invalid(f);
    const layers: Layer[] = [];
    for (const d of rows) {
      const top = volumesRepo.active(c, d.id);
      const domain = storageDomainsRepo.findById(c, d.storageDomainId);
      if (!top || !domain) continue;
      const newId = randomUUID();
      const att = atts.find((a) => a.diskId === d.id);
      layers.push({
        diskId: d.id,
        domainId: domain.id,
        frozenId: top.id,
        frozenPath: top.path,
        frozenFormat: top.format,
        size: d.provisionedSize,
        newId,
        newPath: volumePath(domain.path, d.id, newId),
        live: vm.status === 'up' && att?.active === true,
      });
    }
    const active = snapshotsRepo.active(c, vm.id);
    return valid({
      vm,
      snapshotId: randomUUID(),
      activeSnapshotId: active?.id ?? randomUUID(),
      layers,
    });
  },
  execute: async (ctx, input, plan): Promise<Snapshot> => {
    const c = ctx.database.db;
    for (const domainId of new Set(plan.layers.map((l) => l.domainId))) {
      const domain = storageDomainsRepo.findById(c, domainId);
      const n = plan.layers.filter((l) => l.domainId === domainId).length;
      if (domain) await ensureSpace(ctx, domain, n * QCOW2_OVERHEAD);
    }
    const diskIds = plan.layers.map((l) => l.diskId);
    const first = plan.layers[0];
    const intent = ctx.database.transaction((tx) => {
      if (!snapshotsRepo.active(tx, plan.vm.id))
        snapshotsRepo.insert(tx, {
          id: plan.activeSnapshotId,
          vmId: plan.vm.id,
          type: 'active',
          status: 'ok',
          description: 'Active VM',
        });
      snapshotsRepo.insert(tx, {
        id: plan.snapshotId,
        vmId: plan.vm.id,
        type: 'regular',
        status: first ? 'locked' : 'ok',
        description: input.description,
        vmConfiguration: JSON.stringify(configurationOf(tx, plan.vm)),
        persistMemoryState: false,
      });
      for (const id of diskIds) disksRepo.update(tx, id, { status: 'locked' });
      return recordIntent(
        tx,
        'CreateSnapshot',
        'snapshot-create',
        {
          commit: first ? { volumeExists: first.newId } : { never: true },
          // Overlays a running guest already writes are never deleted by a roll back.
          created: plan.layers.filter((l) => !l.live).map((l) => l.newPath),
          obsolete: [],
          newDisks: [],
          lockedDisks: diskIds,
          newSnapshots: first ? [plan.snapshotId] : [],
          lockedSnapshots: [plan.snapshotId],
          vms: [],
          templates: [],
        },
        ctx.localHostId,
      );
    });
    ctx.events.entity('snapshot', plan.snapshotId, 'added');
    if (first) {
      const infos = new Map<string, { virtualSize: number; actualSize: number }>();
      await runInline(ctx, intent, {
        description: `Creating snapshot '${input.description}' of VM ${plan.vm.name}`,
        auditCode: 'USER_CREATE_SNAPSHOT_FINISHED_SUCCESS',
        vmId: plan.vm.id,
        work: async () => {
          const live = plan.layers.filter((l) => l.live);
          if (live.length > 0)
            await ctx.host.domainSnapshotDisks(
              plan.vm.id,
              live.map((l) => ({ currentPath: l.frozenPath, overlayPath: l.newPath })),
            );
          for (const l of plan.layers) {
            if (l.live) {
              const info = await ctx.host.volumeInfo(l.newPath);
              infos.set(l.newId, info);
              continue;
            }
            const info = await ctx.host.createVolume({
              path: l.newPath,
              format: 'qcow2',
              sizeBytes: l.size,
              backing: { path: l.frozenPath, format: volumeFormatOf(l.frozenFormat) },
            });
            infos.set(l.newId, info);
          }
        },
        commit: (tx) => {
          for (const l of plan.layers) {
            const info = infos.get(l.newId);
            volumesRepo.update(tx, l.frozenId, { active: false, snapshotId: plan.snapshotId });
            volumesRepo.insert(tx, {
              id: l.newId,
              diskId: l.diskId,
              parentId: l.frozenId,
              path: l.newPath,
              format: 'cow',
              active: true,
              snapshotId: plan.activeSnapshotId,
              status: 'ok',
              virtualSize: info?.virtualSize ?? l.size,
              actualSize: info?.actualSize ?? 0,
            });
            disksRepo.update(tx, l.diskId, {
              status: 'ok',
              format: 'cow',
              actualSize: info?.actualSize ?? 0,
            });
          }
          snapshotsRepo.update(tx, plan.snapshotId, { status: 'ok' });
        },
      });
    } else {
      dropIntent(ctx, intent);
    }
    const s = snapshotsRepo.findById(ctx.database.db, plan.vm.id, plan.snapshotId);
    if (!s) throw notFound('snapshot', plan.snapshotId);
    return s;
  },
  subject: (input, plan) => ({
    description: `Snapshot '${input.description}' of VM ${plan?.vm.name ?? input.vmId}`,
    vmId: input.vmId,
  }),
});
