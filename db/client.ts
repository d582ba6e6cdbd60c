// SPDX-License-Identifier: Apache-2.0
/**
 * Opens the engine's SQLite file: WAL, foreign keys on, migrations applied. Exposes narrow
 * `Db`/`Tx` types so better-sqlite3 does not leak to the engine, and a synchronous
 * `transaction()` that refuses async callbacks (better-sqlite3 12 would commit before the
 * awaited work ran — see STYLE.md point 7).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import BetterSqlite3 from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

import * as schema from './schema';

export type Schema = typeof schema;
/** The drizzle handle repos use. */
export type Db = BetterSQLite3Database<Schema>;
/** A transaction handle; same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything a repo can read or write through. */
export type Conn = Db | Tx;

/** Tables a compensation snapshot may cover (raw SQL below only ever names these). */
export const SNAPSHOT_TABLES = [
  'network',
  'network_cluster',
  'network_attachments',
  'network_label',
  'host_network_label',
  'vnic_profile',
  'host',
  'vm',
  'vm_interface',
] as const;
export type SnapshotTable = (typeof SNAPSHOT_TABLES)[number];

/** Rows of one table matching `column = value`, as they were before a command changed them. */
export interface TableSnapshot {
  readonly table: SnapshotTable;
  readonly column: string;
  readonly value: string;
  readonly rows: readonly Record<string, unknown>[];
  /**
   * When set, only rows with these primary keys (as {@link Database.primaryKeyOf} renders
   * them) are restored; other rows matching `column = value` are left alone.
   */
  readonly keys?: readonly string[];
}

export interface Database {
  readonly db: Db;
  /** Run `fn` in one short synchronous transaction (BEGIN IMMEDIATE). */
  transaction<T>(fn: (tx: Tx) => T): T;
  /** Capture rows (inside or outside a transaction) for later exact restoration. */
  snapshot(table: SnapshotTable, column: string, value: string): TableSnapshot;
  /** Put the captured rows back exactly (own transaction): delete matching rows, re-insert. */
  restore(snapshots: readonly TableSnapshot[]): void;
  /** Same as `restore`, inside a transaction the caller already holds. */
  restoreInTransaction(snapshots: readonly TableSnapshot[]): void;
  /** A row's primary key as one string (for comparing snapshots). */
  primaryKeyOf(table: SnapshotTable): (row: Record<string, unknown>) => string;
  close(): void;
}

/** How long a statement waits for another connection's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 1500;

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
/** The migrations folder (a fresh database copied from a template is checked against it). */
export const MIGRATIONS_FOLDER = MIGRATIONS;
const COLUMN = /^[a-z_]+$/;
const PRIMARY_KEYS: Readonly<Record<SnapshotTable, readonly string[]>> = {
  network: ['id'],
  network_cluster: ['network_id', 'cluster_id'],
  network_attachments: ['id'],
  network_label: ['network_id'],
  host_network_label: ['host_id', 'label'],
  vnic_profile: ['id'],
  host: ['id'],
  vm: ['id'],
  vm_interface: ['id'],
};

/** Prepared statements kept per connection (SQL texts are parameterized, so few). */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Keep prepared statements for reuse (issue 14): drizzle prepares every query anew, and
 * compiling the SQL was a large share of each query's cost (a deploy runs hundreds; bench 2b).
 * better-sqlite3 statements are reusable once a call returns (nothing here iterates lazily);
 * a reader's output mode is reset to objects, as a fresh statement's, before it is handed out.
 */
function reuseStatements(client: BetterSqlite3.Database): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, BetterSqlite3.Statement>();
  client.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt === undefined) {
      stmt = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      cache.set(source, stmt);
    } else if (stmt.reader) {
      stmt.raw(false);
      stmt.pluck(false);
      stmt.expand(false);
    }
    return stmt;
  }) as typeof client.prepare;
}

/**
 * Open (creating if needed) the SQLite file at `file` and apply pending migrations.
 * @throws when the file cannot be opened or a migration fails
 */
export function openDatabase(file: string): Database {
  mkdirSync(dirname(file), { recursive: true });
  const client = new BetterSqlite3(file);
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  // Opening may wait for another writer; requests may not: a held write lock answers 503
  // after BUSY_TIMEOUT_MS instead of holding the caller for seconds.
  client.pragma('busy_timeout = 10000');
  reuseStatements(client);
  const db = drizzle(client, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  client.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);

  const check = (table: SnapshotTable, column: string): void => {
    if (!SNAPSHOT_TABLES.includes(table) || !COLUMN.test(column)) {
      throw new Error(`snapshot of ${table}.${column} is not allowed`);
    }
  };

  const snapshot = (table: SnapshotTable, column: string, value: string): TableSnapshot => {
    check(table, column);
    const rows = client.prepare(`SELECT * FROM "${table}" WHERE "${column}" = ?`).all(value);
    return { table, column, value, rows: rows as Record<string, unknown>[] };
  };

  const restoreInTx = (snapshots: readonly TableSnapshot[]): void => {
    // Upsert, never DELETE + INSERT: deleting a parent row would cascade to its children
    // (ON DELETE CASCADE fires even with deferred foreign keys). Rows that appeared since
    // the snapshot are deleted; FKs are checked at COMMIT so order does not matter.
    client.pragma('defer_foreign_keys = ON');
    for (const s of snapshots) {
      check(s.table, s.column);
      const pk = PRIMARY_KEYS[s.table];
      const keyOf = (row: Record<string, unknown>): string => JSON.stringify(pk.map((k) => row[k]));
      const keep = new Set(s.rows.map(keyOf));
      const only = s.keys ? new Set(s.keys) : null;
      const current = client
        .prepare(
          `SELECT ${pk.map((k) => `"${k}"`).join(',')} FROM "${s.table}" WHERE "${s.column}" = ?`,
        )
        .all(s.value) as Record<string, unknown>[];
      for (const row of current) {
        if (keep.has(keyOf(row))) continue;
        if (only && !only.has(keyOf(row))) continue;
        client
          .prepare(`DELETE FROM "${s.table}" WHERE ${pk.map((k) => `"${k}" = ?`).join(' AND ')}`)
          .run(...pk.map((k) => row[k]));
      }
      for (const row of s.rows) {
        const cols = Object.keys(row);
        if (!cols.every((c) => COLUMN.test(c))) throw new Error('bad column in snapshot');
        const rest = cols.filter((c) => !pk.includes(c));
        const update =
          rest.length === 0
            ? 'DO NOTHING'
            : `DO UPDATE SET ${rest.map((c) => `"${c}" = excluded."${c}"`).join(',')}`;
        client
          .prepare(
            `INSERT INTO "${s.table}" (${cols.map((c) => `"${c}"`).join(',')}) VALUES (${cols.map(() => '?').join(',')}) ON CONFLICT(${pk.map((k) => `"${k}"`).join(',')}) ${update}`,
          )
          .run(...cols.map((c) => row[c]));
      }
    }
  };

  const transaction = <T>(fn: (tx: Tx) => T): T =>
    db.transaction(
      (tx) => {
        const result = fn(tx);
        if (result instanceof Promise) {
          throw new Error('transaction callbacks must be synchronous (no await inside)');
        }
        return result;
      },
      { behavior: 'immediate' },
    );

  return {
    db,
    transaction,
    snapshot,
    restore: (snapshots) => {
      transaction(() => {
        restoreInTx(snapshots);
      });
    },
    restoreInTransaction: restoreInTx,
    primaryKeyOf: (table) => {
      check(table, 'id');
      const pk = PRIMARY_KEYS[table];
      return (row) => JSON.stringify(pk.map((k) => row[k]));
    },
    close: () => {
      client.close();
    },
  };
}
