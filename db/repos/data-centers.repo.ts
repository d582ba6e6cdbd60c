// SPDX-License-Identifier: Apache-2.0
/** Data centers and clusters. */
import { eq } from 'drizzle-orm';

import type { Cluster } from '../../main/contract/clusters';
import type { DataCenter } from '../../main/contract/data-centers';
import type { Conn } from '../client';
import { cluster, dataCenter } from '../schema';

type DcRow = typeof dataCenter.$inferSelect;
type ClusterRow = typeof cluster.$inferSelect;

const toDc = (r: DcRow): DataCenter => ({
  id: r.id,
  name: r.name,
  description: r.description,
  local: r.local,
  status: r.status,
  version: { major: r.compatMajor, minor: r.compatMinor },
});

const toCluster = (r: ClusterRow): Cluster => ({
  id: r.id,
  name: r.name,
  description: r.description,
  dataCenterId: r.dataCenterId,
  cpuArchitecture: 'x86_64',
  version: { major: r.compatMajor, minor: r.compatMinor },
  switchType: 'legacy',
});

export const dataCentersRepo = {
  list: (c: Conn): DataCenter[] => c.select().from(dataCenter).all().map(toDc),
  findById: (c: Conn, id: string): DataCenter | null => {
    const r = c.select().from(dataCenter).where(eq(dataCenter.id, id)).get();
    return r ? toDc(r) : null;
  },
  findByName: (c: Conn, name: string): DataCenter | null => {
    const r = c.select().from(dataCenter).where(eq(dataCenter.name, name)).get();
    return r ? toDc(r) : null;
  },
  insert: (c: Conn, row: typeof dataCenter.$inferInsert): void => {
    c.insert(dataCenter).values(row).run();
  },
};

export const clustersRepo = {
  list: (c: Conn): Cluster[] => c.select().from(cluster).all().map(toCluster),
  findById: (c: Conn, id: string): Cluster | null => {
    const r = c.select().from(cluster).where(eq(cluster.id, id)).get();
    return r ? toCluster(r) : null;
  },
  findByName: (c: Conn, name: string): Cluster | null => {
    const r = c.select().from(cluster).where(eq(cluster.name, name)).get();
    return r ? toCluster(r) : null;
  },
  insert: (c: Conn, row: typeof cluster.$inferInsert): void => {
    c.insert(cluster).values(row).run();
  },
};
