// SPDX-License-Identifier: Apache-2.0
/**
 * RemoveSnapshot (`DELETE /vms/{v}/snapshots/{s}`), VM down (no live merge here): each volume
 * the snapshot froze is merged away — the volume above it is rebased (safe `qemu-img rebase`,
 * which copies what differs) onto the volume below, then the frozen volume is deleted. What
 * the guest sees never changes; a crash mid-rebase leaves a consistent chain either way.
 */
import { disksRepo, type VolumeRow, volumesRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import { storageDomainsRepo } from '../../../../db/repos/storage-domains.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Snapshot } from '../../../contract/snapshots';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { invalid, notFound, valid } from '../../validation';
import { recordIntent } from '../storage/storage-intents';
import { dropIntent, runInline } from '../storage/storage-job';
import { volumeFormatOf } from '../storage/storage-paths';
import { ensureSpace } from '../storage/storage-space';
import { validateSnapshotVolumes } from './snapshot-common';

interface Merge {
  readonly frozen: VolumeRow;
  readonly child: VolumeRow;
  readonly parent: VolumeRow | null;
}

interface Plan {
  readonly vm: Vm;
  readonly snapshot: Snapshot;
  readonly merges: readonly Merge[];
}

export const RemoveSnapshotCommand = defineCommand<'RemoveSnapshot', Plan>({
  action: 'remove',
  type: 'Snapshot',
  auditCode: 'USER_REMOVE_SNAPSHOT',
  locks: (_ctx, input) => [lockKey.vm(input.vmId)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const s = validateSnapshotVolumes(c, vm, input.id);
    if (!s.ok) return invalid(s.failure);
    const { frozen } = s;
    const merges: Merge[] = [];
    for (const v of frozen) {
      const child = volumesRepo.children(c, v.id).find((x) => x.diskId === v.diskId);
      if (!child) continue;
      merges.push({
        frozen: v,
        child,
        parent: v.parentId === null ? null : volumesRepo.findById(c, v.parentId),
      });
    }
    return valid({ vm, snapshot: s.snapshot, merges });
  },
  execute: async (ctx, _input, plan) => {
    const c = ctx.database.db;
    for (const m of plan.merges) {
      const d = disksRepo.findRow(c, m.frozen.diskId);
      const domain = d ? storageDomainsRepo.findById(c, d.storageDomainId) : null;
      if (domain) await ensureSpace(ctx, domain, m.frozen.actualSize);
    }
    const diskIds = [...new Set(plan.merges.map((m) => m.frozen.diskId))];
    const first = plan.merges[0];
    const intent = ctx.database.transaction((tx) => {
      snapshotsRepo.update(tx, plan.snapshot.id, { status: 'locked' });
      for (const id of diskIds) disksRepo.update(tx, id, { status: 'locked' });
      return recordIntent(
        tx,
        'RemoveSnapshot',
        'snapshot-remove',
        {
          commit: first ? { volumeGone: first.frozen.id } : { never: true },
          created: [],
          obsolete: plan.merges.map((m) => m.frozen.path),
          newDisks: [],
          lockedDisks: diskIds,
          lockedSnapshots: [plan.snapshot.id],
          reparent: plan.merges.map((m) => m.child.id),
          vms: [],
          templates: [],
        },
        ctx.localHostId,
      );
    });
    ctx.events.entity('snapshot', plan.snapshot.id, 'updated');
    if (!first) {
      ctx.database.transaction((tx) => {
        snapshotsRepo.delete(tx, plan.snapshot.id);
      });
      dropIntent(ctx, intent);
    } else {
      const sizes = new Map<string, number>();
      await runInline(ctx, intent, {
        description: `Removing snapshot '${plan.snapshot.description}' of VM ${plan.vm.name}`,
        auditCode: 'USER_REMOVE_SNAPSHOT_FINISHED_SUCCESS',
        vmId: plan.vm.id,
        work: async () => {
          for (const m of plan.merges) {
            const info = await ctx.host.rebaseVolume(
              m.child.path,
              m.parent ? { path: m.parent.path, format: volumeFormatOf(m.parent.format) } : null,
            );
            sizes.set(m.child.id, info.actualSize);
          }
        },
        commit: (tx) => {
          for (const m of plan.merges) {
            volumesRepo.update(tx, m.child.id, {
              parentId: m.parent?.id ?? null,
              actualSize: sizes.get(m.child.id),
            });
            volumesRepo.delete(tx, m.frozen.id);
          }
          for (const id of diskIds) disksRepo.update(tx, id, { status: 'ok' });
          snapshotsRepo.delete(tx, plan.snapshot.id);
        },
      });
    }
    ctx.events.entity('snapshot', plan.snapshot.id, 'removed');
    return null;
  },
  subject: (input, plan) => ({
    description: `Snapshot '${plan?.snapshot.description ?? input.id}' of VM ${plan?.vm.name ?? input.vmId}`,
    vmId: input.vmId,
  }),
});
