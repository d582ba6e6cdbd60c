// SPDX-License-Identifier: Apache-2.0
/** Storage domains (oVirt storage_domain_static + the attachment to its data center). */
import { eq, sql } from 'drizzle-orm';

import type { Conn } from '../client';
import { disk, storageDomain } from '../schema';
import { defined, type Patch } from './rows';

export type StorageDomainRow = typeof storageDomain.$inferSelect;

export const storageDomainsRepo = {
  list: (c: Conn): StorageDomainRow[] => c.select().from(storageDomain).all(),
  findById: (c: Conn, id: string): StorageDomainRow | null =>
    c.select().from(storageDomain).where(eq(storageDomain.id, id)).get() ?? null,
  findByName: (c: Conn, name: string): StorageDomainRow | null =>
    c.select().from(storageDomain).where(eq(storageDomain.name, name)).get() ?? null,
  findByPath: (c: Conn, path: string): StorageDomainRow | null =>
    c.select().from(storageDomain).where(eq(storageDomain.path, path)).get() ?? null,
  listByDataCenter: (c: Conn, dataCenterId: string): StorageDomainRow[] =>
    c.select().from(storageDomain).where(eq(storageDomain.dataCenterId, dataCenterId)).all(),
  /** Sum of the provisioned sizes of the domain's disks (oVirt `committed`). */
  committedBytes: (c: Conn, id: string): number =>
    c
      .select({ n: sql<number>`coalesce(sum(${disk.provisionedSize}), 0)` })
      .from(disk)
      .where(eq(disk.storageDomainId, id))
      .get()?.n ?? 0,
  insert: (c: Conn, row: typeof storageDomain.$inferInsert): void => {
    c.insert(storageDomain).values(row).run();
  },
  update: (
    c: Conn,
    id: string,
    patch: Patch<Omit<typeof storageDomain.$inferInsert, 'id'>>,
  ): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0)
      c.update(storageDomain).set(set).where(eq(storageDomain.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(storageDomain).where(eq(storageDomain.id, id)).run();
  },
};
