// SPDX-License-Identifier: Apache-2.0
/** Network attachments: a network on a host, with or without a NIC. */
import { and, eq } from 'drizzle-orm';

import type {
  NetworkAttachment,
  ReportedConfiguration,
} from '../../main/contract/network-attachments';
import type { Conn } from '../client';
import { hostNic, network, networkAttachments } from '../schema';
import { defined, json } from './rows';

/** The stored row, plus names; what commands work with. */
export interface AttachmentRecord extends NetworkAttachment {
  readonly status: 'configuring' | 'active';
}

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type -- drizzle's query builder type
const select = (c: Conn) =>
  c
    .select({ a: networkAttachments, networkName: network.name, nicName: hostNic.name })
    .from(networkAttachments)
    .innerJoin(network, eq(network.id, networkAttachments.networkId))
    .leftJoin(hostNic, eq(hostNic.id, networkAttachments.nicId));

type Joined = {
  a: typeof networkAttachments.$inferSelect;
  networkName: string;
  nicName: string | null;
};

const toRecord = (r: Joined): AttachmentRecord => ({
  id: r.a.id,
  hostId: r.a.hostId,
  networkId: r.a.networkId,
  networkName: r.networkName,
  hostNicId: r.a.nicId,
  hostNicName: r.nicName,
  inSync: r.a.inSync,
  reportedConfigurations: json<ReportedConfiguration[]>(r.a.reportedConfigurations) ?? [],
  reportedAt: r.a.reportedAt,
  status: r.a.status,
});

export interface AttachmentReport {
  readonly inSync: boolean;
  readonly reportedConfigurations: readonly ReportedConfiguration[];
  readonly reportedAt: string;
}

export const networkAttachmentsRepo = {
  listByHost: (c: Conn, hostId: string): AttachmentRecord[] =>
    select(c).where(eq(networkAttachments.hostId, hostId)).all().map(toRecord),
  listByNetwork: (c: Conn, networkId: string): AttachmentRecord[] =>
    select(c).where(eq(networkAttachments.networkId, networkId)).all().map(toRecord),
  listConfiguring: (c: Conn): AttachmentRecord[] =>
    select(c).where(eq(networkAttachments.status, 'configuring')).all().map(toRecord),
  findById: (c: Conn, id: string): AttachmentRecord | null => {
    const r = select(c).where(eq(networkAttachments.id, id)).get();
    return r ? toRecord(r) : null;
  },
  find: (c: Conn, hostId: string, networkId: string): AttachmentRecord | null => {
    const r = select(c)
      .where(
        and(eq(networkAttachments.hostId, hostId), eq(networkAttachments.networkId, networkId)),
      )
      .get();
    return r ? toRecord(r) : null;
  },
  insert: (
    c: Conn,
    row: { id: string; hostId: string; networkId: string; nicId: string | null },
  ): void => {
    c.insert(networkAttachments)
      .values({ ...row, status: 'configuring' })
      .run();
  },
  setNic: (c: Conn, id: string, nicId: string | null): void => {
    c.update(networkAttachments)
      .set({ nicId, status: 'configuring' })
      .where(eq(networkAttachments.id, id))
      .run();
  },
  markConfiguring: (c: Conn, id: string): void => {
    c.update(networkAttachments)
      .set({ status: 'configuring' })
      .where(eq(networkAttachments.id, id))
      .run();
  },
  /** Store what the host reported and mark the row active. */
  report: (c: Conn, id: string, report: AttachmentReport): void => {
    c.update(networkAttachments)
      .set(
        defined({
          status: 'active' as const,
          inSync: report.inSync,
          reportedConfigurations: JSON.stringify(report.reportedConfigurations),
          reportedAt: report.reportedAt,
        }),
      )
      .where(eq(networkAttachments.id, id))
      .run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(networkAttachments).where(eq(networkAttachments.id, id)).run();
  },
};
