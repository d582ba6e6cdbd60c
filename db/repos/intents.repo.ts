// SPDX-License-Identifier: Apache-2.0
/** Compensation records of commands that touch the host (see schema `command_intent`). */
import { eq } from 'drizzle-orm';

import type { Conn, TableSnapshot } from '../client';
import { commandIntent } from '../schema';
import { json } from './rows';

export interface IntentRecord {
  readonly id: string;
  readonly command: string;
  readonly hostId: string | null;
  readonly snapshot: TableSnapshot[];
  readonly hostNetworks: string[];
  readonly vmIds: string[];
  readonly startedAt: string;
}

export const intentsRepo = {
  insert: (
    c: Conn,
    row: {
      id: string;
      command: string;
      hostId: string | null;
      snapshot: readonly TableSnapshot[];
      hostNetworks: readonly string[];
      vmIds?: readonly string[];
    },
  ): void => {
    c.insert(commandIntent)
      .values({
        id: row.id,
        command: row.command,
        hostId: row.hostId,
        snapshot: JSON.stringify(row.snapshot),
        hostNetworks: JSON.stringify(row.hostNetworks),
        vmIds: JSON.stringify(row.vmIds ?? []),
      })
      .run();
  },
  list: (c: Conn): IntentRecord[] =>
    c
      .select()
      .from(commandIntent)
      .all()
      .map((r) => ({
        id: r.id,
        command: r.command,
        hostId: r.hostId,
        snapshot: json<TableSnapshot[]>(r.snapshot) ?? [],
        hostNetworks: json<string[]>(r.hostNetworks) ?? [],
        vmIds: json<string[]>(r.vmIds) ?? [],
        startedAt: r.startedAt,
      })),
  delete: (c: Conn, id: string): void => {
    c.delete(commandIntent).where(eq(commandIntent.id, id)).run();
  },
};
