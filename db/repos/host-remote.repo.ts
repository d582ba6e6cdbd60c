// SPDX-License-Identifier: Apache-2.0
/** Issue 17: how the engine reaches a remote host, and its enrollment state. */
import { eq } from 'drizzle-orm';

import type { Conn } from '../client';
import { host, hostRemote } from '../schema';
import { defined, type Patch } from './rows';

export type HostRemoteRow = typeof hostRemote.$inferSelect;

export const hostRemoteRepo = {
  list: (c: Conn): HostRemoteRow[] => c.select().from(hostRemote).all(),
  find: (c: Conn, hostId: string): HostRemoteRow | null =>
    c.select().from(hostRemote).where(eq(hostRemote.hostId, hostId)).get() ?? null,
  findByTokenHash: (c: Conn, tokenHash: string): HostRemoteRow | null =>
    c.select().from(hostRemote).where(eq(hostRemote.tokenHash, tokenHash)).get() ?? null,
  insert: (c: Conn, row: typeof hostRemote.$inferInsert): void => {
    c.insert(hostRemote).values(row).run();
  },
  update: (
    c: Conn,
    hostId: string,
    patch: Patch<Omit<typeof hostRemote.$inferInsert, 'hostId'>>,
  ): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0)
      c.update(hostRemote).set(set).where(eq(hostRemote.hostId, hostId)).run();
  },
};

/** RemoveVds: the host row goes (its NICs, attachments, labels and remote row cascade). */
export function deleteHost(c: Conn, hostId: string): void {
  c.delete(host).where(eq(host.id, hostId)).run();
}
