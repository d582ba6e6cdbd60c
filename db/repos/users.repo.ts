// SPDX-License-Identifier: Apache-2.0
/** Users (one today: admin@internal) and the audit log. */
import { and, desc, eq, gt } from 'drizzle-orm';

import type { AuditEvent } from '../../main/contract/events';
import type { Conn } from '../client';
import { auditLog, users } from '../schema';

export interface UserRecord {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly passwordHash: string;
  readonly admin: boolean;
}

export const usersRepo = {
  find: (c: Conn, name: string, domain: string): UserRecord | null =>
    c
      .select()
      .from(users)
      .where(and(eq(users.name, name), eq(users.domain, domain)))
      .get() ?? null,
  findById: (c: Conn, id: string): UserRecord | null =>
    c.select().from(users).where(eq(users.id, id)).get() ?? null,
  list: (c: Conn): UserRecord[] => c.select().from(users).orderBy(users.name).all(),
  insert: (c: Conn, row: typeof users.$inferInsert): void => {
    c.insert(users).values(row).run();
  },
};

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

const toEvent = (r: typeof auditLog.$inferSelect): AuditEvent => ({
  id: r.id,
  time: r.time,
  severity: r.severity,
  code: r.code,
  description: r.description,
  user: r.userName,
  correlationId: r.correlationId,
  dataCenterId: r.dataCenterId,
  clusterId: r.clusterId,
  hostId: r.hostId,
  networkId: r.networkId,
  vmId: r.vmId,
});

export const auditRepo = {
  insert: (c: Conn, e: NewAuditEvent): AuditEvent => {
    const r = c
      .insert(auditLog)
      .values({
        time: e.time,
        severity: e.severity,
        code: e.code,
        description: e.description,
        userName: e.user,
        correlationId: e.correlationId,
        dataCenterId: e.dataCenterId,
        clusterId: e.clusterId,
        hostId: e.hostId,
        networkId: e.networkId,
        vmId: e.vmId,
      })
      .returning()
      .get();
    return toEvent(r);
  },
  /** Newest first. */
  list: (c: Conn, after: number, max: number): AuditEvent[] =>
    c
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, after))
      .orderBy(desc(auditLog.id))
      .limit(max)
      .all()
      .map(toEvent),
  findById: (c: Conn, id: number): AuditEvent | null => {
    const r = c.select().from(auditLog).where(eq(auditLog.id, id)).get();
    return r ? toEvent(r) : null;
  },
};
