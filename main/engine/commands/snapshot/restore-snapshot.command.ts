// SPDX-License-Identifier: Apache-2.0
/**
 * RestoreSnapshot (`POST /vms/{v}/snapshots/{s}/restore` = oVirt's preview + commit), VM down:
 * each disk of the snapshot gets a new active overlay on the volume the snapshot froze; the
 * volumes above it and the snapshots taken after it are discarded; the VM's configuration
 * (memory, vCPUs, description, the CD-ROM's ISO and the boot order) comes back from the
 * snapshot. The snapshot itself stays.
 */
import { randomUUID } from 'node:crypto';

import { disksRepo, type VolumeRow, volumesRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import { storageDomainsRepo } from '../../../../db/repos/storage-domains.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { Snapshot } from '../../../contract/snapshots';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { invalid, notFound, valid } from '../../validation';
import { chainOf } from '../storage/chains';
import { recordIntent } from '../storage/storage-intents';
import { runInline } from '../storage/storage-job';
import { volumeFormatOf, volumePath } from '../storage/storage-paths';
import { ensureSpace, QCOW2_OVERHEAD } from '../storage/storage-space';
import { restoredMedia, validateSnapshotVolumes } from './snapshot-common';

interface Layer {
  readonly diskId: string;
  readonly domainId: string;
  readonly base: VolumeRow;
  /** Volumes above `base` in the disk's chain: discarded. */
  readonly discard: readonly VolumeRow[];
  readonly newId: string;
  readonly newPath: string;
  readonly size: number;
}

interface Plan {
  readonly vm: Vm;
  readonly snapshot: Snapshot;
  readonly layers: readonly Layer[];
  /** Snapshots taken after this one. */
  readonly newer: readonly Snapshot[];
  readonly activeSnapshotId: string | null;
}

export const RestoreSnapshotCommand = defineCommand<'RestoreSnapshot', Plan>({
  action: 'restore',
  type: 'Snapshot',
  auditCode: 'USER_RESTORE_FROM_SNAPSHOT',
  locks: (_ctx, input) => [lockKey.vm(input.vmId)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const vm = vmsRepo.findById(c, input.vmId);
    if (!vm) throw notFound('vm', input.vmId);
    const s = validateSnapshotVolumes(c, vm, input.id);
    if (!s.ok) return invalid(s.failure);
    const { frozen } = s;
    const layers: Layer[] = [];
    for (const base of frozen) {
      const d = disksRepo.findRow(c, base.diskId);
      const domain = d ? storageDomainsRepo.findById(c, d.storageDomainId) : null;
      if (!d || !domain) continue;
      const chain = chainOf(c, d.id);
      const at = chain.findIndex((v) => v.id === base.id);
      if (at < 0) continue;
      const newId = randomUUID();
      layers.push({
        diskId: d.id,
        domainId: domain.id,
        base,
        discard: chain.slice(0, at),
        newId,
        newPath: volumePath(domain.path, d.id, newId),
        size: base.virtualSize,
      });
    }
    const newer = snapshotsRepo
      .listByVm(c, vm.id)
      .filter((x) => x.type === 'regular' && x.date > s.snapshot.date);
    return valid({
      vm,
      snapshot: s.snapshot,
      layers,
      newer,
      activeSnapshotId: snapshotsRepo.active(c, vm.id)?.id ?? null,
    });
  },
  execute: async (ctx, _input, plan) => {
    const c = ctx.database.db;
    for (const domainId of new Set(plan.layers.map((l) => l.domainId))) {
      const domain = storageDomainsRepo.findById(c, domainId);
      const n = plan.layers.filter((l) => l.domainId === domainId).length;
      if (domain) await ensureSpace(ctx, domain, n * QCOW2_OVERHEAD);
    }
    const diskIds = plan.layers.map((l) => l.diskId);
    const first = plan.layers[0];
    const intent = ctx.database.transaction((tx) => {
      snapshotsRepo.update(tx, plan.snapshot.id, { status: 'locked' });
      for (const id of diskIds) disksRepo.update(tx, id, { status: 'locked' });
      vmsRepo.update(tx, plan.vm.id, { status: 'image_locked' });
      return recordIntent(
        tx,
        'RestoreSnapshot',
        'snapshot-restore',
        {
          commit: first ? { volumeExists: first.newId } : { never: true },
          created: plan.layers.map((l) => l.newPath),
          obsolete: plan.layers.flatMap((l) => l.discard.map((v) => v.path)),
          newDisks: [],
          lockedDisks: diskIds,
          lockedSnapshots: [plan.snapshot.id],
          vms: [plan.vm.id],
          templates: [],
        },
        ctx.localHostId,
      );
    });
    ctx.events.entity('vm', plan.vm.id, 'updated');
    const sizes = new Map<string, number>();
    await runInline(ctx, intent, {
      description: `Restoring VM ${plan.vm.name} to snapshot '${plan.snapshot.description}'`,
      auditCode: 'USER_RESTORE_FROM_SNAPSHOT_FINISH_SUCCESS',
      vmId: plan.vm.id,
      work: async () => {
        for (const l of plan.layers) {
          const info = await ctx.host.createVolume({
            path: l.newPath,
            format: 'qcow2',
            sizeBytes: l.size,
            backing: { path: l.base.path, format: volumeFormatOf(l.base.format) },
          });
          sizes.set(l.newId, info.actualSize);
        }
      },
      commit: (tx) => {
        for (const l of plan.layers) {
          for (const v of l.discard) volumesRepo.delete(tx, v.id);
          volumesRepo.insert(tx, {
            id: l.newId,
            diskId: l.diskId,
            parentId: l.base.id,
            path: l.newPath,
            format: 'cow',
            active: true,
            snapshotId: plan.activeSnapshotId,
            status: 'ok',
            virtualSize: l.size,
            actualSize: sizes.get(l.newId) ?? 0,
          });
          disksRepo.update(tx, l.diskId, {
            status: 'ok',
            provisionedSize: l.size,
            actualSize: sizes.get(l.newId) ?? 0,
          });
        }
        for (const s of plan.newer) snapshotsRepo.delete(tx, s.id);
        snapshotsRepo.update(tx, plan.snapshot.id, { status: 'ok' });
        vmsRepo.update(tx, plan.vm.id, {
          status: 'down',
          memoryBytes: plan.snapshot.vm.memoryBytes || undefined,
          vcpus: plan.snapshot.vm.vcpus || undefined,
          description: plan.snapshot.vm.description,
          ...restoredMedia(tx, plan.snapshot.vm),
        });
      },
    });
    ctx.events.entity('vm', plan.vm.id, 'updated');
    for (const s of plan.newer) ctx.events.entity('snapshot', s.id, 'removed');
    return null;
  },
  subject: (input, plan) => ({
    description: `Snapshot '${plan?.snapshot.description ?? input.id}' of VM ${plan?.vm.name ?? input.vmId}`,
    vmId: input.vmId,
  }),
});
