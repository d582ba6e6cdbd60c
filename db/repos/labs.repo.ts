// SPDX-License-Identifier: Apache-2.0
/** Labs and their member rows (issue 15). */
import { eq } from 'drizzle-orm';

import type { Lab, LabStartJob } from '../../main/contract/labs';
import type { Conn } from '../client';
import { lab, labNetwork, labStartJob, labVm } from '../schema';

type LabRow = typeof lab.$inferSelect;

function toLab(c: Conn, r: LabRow): Lab {
  const members = c.select().from(labVm).where(eq(labVm.labId, r.id)).all();
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    creationTime: r.createdAt,
    networkIds: c
      .select({ id: labNetwork.networkId })
      .from(labNetwork)
      .where(eq(labNetwork.labId, r.id))
      .all()
      .map((x) => x.id),
    vmIds: members.map((x) => x.vmId),
    startOrder: members.map((x) => ({
      vmId: x.vmId,
      group: x.startGroup,
      dependsOn: parseIds(x.startDependsOn),
      delaySeconds: x.startDelaySeconds,
    })),
  };
}

export const labsRepo = {
  list: (c: Conn): Lab[] =>
    c
      .select()
      .from(lab)
      .orderBy(lab.name)
      .all()
      .map((r) => toLab(c, r)),
  findById: (c: Conn, id: string): Lab | null => {
    const r = c.select().from(lab).where(eq(lab.id, id)).get();
    return r ? toLab(c, r) : null;
  },
  findByName: (c: Conn, name: string): Lab | null => {
    const r = c.select().from(lab).where(eq(lab.name, name)).get();
    return r ? toLab(c, r) : null;
  },
  insert: (c: Conn, row: typeof lab.$inferInsert): void => {
    c.insert(lab).values(row).run();
  },
  update: (c: Conn, id: string, description: string): void => {
    c.update(lab).set({ description }).where(eq(lab.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(lab).where(eq(lab.id, id)).run();
  },
  /** The lab a network belongs to, or null. */
  labOfNetwork: (c: Conn, networkId: string): string | null =>
    c
      .select({ labId: labNetwork.labId })
      .from(labNetwork)
      .where(eq(labNetwork.networkId, networkId))
      .get()?.labId ?? null,
  /** The lab a VM belongs to, or null. */
  labOfVm: (c: Conn, vmId: string): string | null =>
    c.select({ labId: labVm.labId }).from(labVm).where(eq(labVm.vmId, vmId)).get()?.labId ?? null,
  addNetwork: (c: Conn, labId: string, networkId: string): void => {
    c.insert(labNetwork).values({ labId, networkId }).run();
  },
  addVm: (c: Conn, labId: string, vmId: string): void => {
    c.insert(labVm).values({ labId, vmId }).run();
  },
  removeNetwork: (c: Conn, networkId: string): void => {
    c.delete(labNetwork).where(eq(labNetwork.networkId, networkId)).run();
  },
  removeVm: (c: Conn, vmId: string): void => {
    c.delete(labVm).where(eq(labVm.vmId, vmId)).run();
  },
  /** The stored start order of the lab's VMs (vm id → order). */
  startOrders: (c: Conn, labId: string): Map<string, StoredStartOrder> =>
    new Map(
      c
        .select()
        .from(labVm)
        .where(eq(labVm.labId, labId))
        .all()
        .map((r) => [
          r.vmId,
          {
            group: r.startGroup,
            dependsOn: parseIds(r.startDependsOn),
            delaySeconds: r.startDelaySeconds,
          },
        ]),
    ),
  setStartOrder: (c: Conn, vmId: string, o: StoredStartOrder): void => {
    c.update(labVm)
      .set({
        startGroup: o.group,
        startDependsOn: JSON.stringify(o.dependsOn),
        startDelaySeconds: o.delaySeconds,
      })
      .where(eq(labVm.vmId, vmId))
      .run();
  },
  /** The lab's last start as stored, or null. */
  findStartJob: (c: Conn, labId: string): LabStartJob | null => {
    const r = c.select().from(labStartJob).where(eq(labStartJob.labId, labId)).get();
    return r ? (JSON.parse(r.job) as LabStartJob) : null;
  },
  saveStartJob: (c: Conn, job: LabStartJob): void => {
    const row = { job: JSON.stringify(job), updatedAt: new Date().toISOString() };
    c.insert(labStartJob)
      .values({ labId: job.labId, ...row })
      .onConflictDoUpdate({ target: labStartJob.labId, set: row })
      .run();
  },
};

/** One VM's place in its lab's start order. */
export interface StoredStartOrder {
  readonly group: number;
  readonly dependsOn: readonly string[];
  readonly delaySeconds: number;
}

function parseIds(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
