// SPDX-License-Identifier: Apache-2.0
/** VM snapshots (oVirt snapshots); the volumes they own are `image.snapshot_id`. */
import { and, eq } from 'drizzle-orm';

import { parseBootDevices } from '../../main/contract/cdroms';
import type { Snapshot, SnapshotVmConfiguration } from '../../main/contract/snapshots';
import type { Conn } from '../client';
import { image, snapshot, vm } from '../schema';
import { defined, json, type Patch } from './rows';

export type SnapshotRow = typeof snapshot.$inferSelect;

function toSnapshot(c: Conn, r: SnapshotRow): Snapshot {
  const stored = json<SnapshotVmConfiguration>(r.vmConfiguration);
  const row = stored ? undefined : c.select().from(vm).where(eq(vm.id, r.vmId)).get();
  const current = stored ?? row;
  // The active snapshot shows the VM as it is; an older stored one may lack these.
  const media = stored
    ? {
        ...(stored.cdromFileId === undefined ? {} : { cdromFileId: stored.cdromFileId }),
        ...(stored.bootDevices === undefined ? {} : { bootDevices: stored.bootDevices }),
      }
    : row
      ? { cdromFileId: row.cdromDiskId, bootDevices: parseBootDevices(row.bootDevices) }
      : {};
  const diskIds = [
    ...new Set(
      c
        .select({ diskId: image.diskId })
        .from(image)
        .where(eq(image.snapshotId, r.id))
        .all()
        .map((v) => v.diskId),
    ),
  ];
  return {
    id: r.id,
    vmId: r.vmId,
    description: r.description,
    type: r.type,
    status: r.status,
    date: r.createdAt,
    persistMemoryState: r.persistMemoryState,
    vm: {
      name: current?.name ?? '',
      description: current?.description ?? '',
      memoryBytes: current?.memoryBytes ?? 0,
      vcpus: current?.vcpus ?? 1,
      ...media,
    },
    diskIds,
  };
}

export const snapshotsRepo = {
  listByVm: (c: Conn, vmId: string): Snapshot[] =>
    c
      .select()
      .from(snapshot)
      .where(eq(snapshot.vmId, vmId))
      .all()
      .map((r) => toSnapshot(c, r))
      // The active snapshot first, then by date (oVirt lists Active VM with the others).
      .sort((a, b) =>
        a.type === 'active' ? -1 : b.type === 'active' ? 1 : a.date.localeCompare(b.date),
      ),
  findById: (c: Conn, vmId: string, id: string): Snapshot | null => {
    const r = c
      .select()
      .from(snapshot)
      .where(and(eq(snapshot.vmId, vmId), eq(snapshot.id, id)))
      .get();
    return r ? toSnapshot(c, r) : null;
  },
  findRow: (c: Conn, id: string): SnapshotRow | null =>
    c.select().from(snapshot).where(eq(snapshot.id, id)).get() ?? null,
  active: (c: Conn, vmId: string): SnapshotRow | null =>
    c
      .select()
      .from(snapshot)
      .where(and(eq(snapshot.vmId, vmId), eq(snapshot.type, 'active')))
      .get() ?? null,
  insert: (c: Conn, row: typeof snapshot.$inferInsert): void => {
    c.insert(snapshot).values(row).run();
  },
  update: (c: Conn, id: string, patch: Patch<Omit<typeof snapshot.$inferInsert, 'id'>>): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0) c.update(snapshot).set(set).where(eq(snapshot.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(snapshot).where(eq(snapshot.id, id)).run();
  },
};
