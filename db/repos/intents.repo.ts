// SPDX-License-Identifier: Apache-2.0
/** Compensation records of commands that touch the host (see schema `command_intent`). */
import { eq } from 'drizzle-orm';

import type { Conn, TableSnapshot } from '../client';
import { commandIntent } from '../schema';
import { json } from './rows';

export interface IntentRecord {
  readonly id: string;
  readonly command: string;
  /** Which recovery handles it (schema `command_intent.kind`). */
  readonly kind: string;
  /** What that recovery needs; shape owned by the recovery of `kind`. */
  readonly payload: Record<string, unknown>;
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
      kind?: string;
      payload?: Record<string, unknown>;
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
        kind: row.kind ?? 'host-networks',
        payload: JSON.stringify(row.payload ?? {}),
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
        kind: r.kind,
        payload: json<Record<string, unknown>>(r.payload) ?? {},
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
