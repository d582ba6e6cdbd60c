// SPDX-License-Identifier: Apache-2.0
/**
 * The seed's schema changes, checked on the SQLite file itself (PRAGMA table_info,
 * index_list, index_info, foreign_key_list) after the real migrations ran.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase } from '../../db/client';
import { removeDir } from '../fixtures/engine-harness';

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
interface IndexRow {
  name: string;
  unique: number;
}
interface ForeignKey {
  table: string;
  from: string;
  to: string;
  on_delete: string;
}

let dir: string;
let db: InstanceType<typeof BetterSqlite3>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'h3-schema-'));
  openDatabase(join(dir, 'engine.db')).close();
  db = new BetterSqlite3(join(dir, 'engine.db'), { readonly: true });
});
afterAll(() => {
  db.close();
  removeDir(dir);
});

const columns = (t: string): Column[] => db.prepare(`PRAGMA table_info("${t}")`).all() as Column[];
const column = (t: string, c: string): Column | undefined => columns(t).find((x) => x.name === c);

describe('database schema (seed "NIC-less Network": DB changes)', () => {
  it('network.is_isolated is a boolean, NOT NULL, DEFAULT false', () => {
    const c = column('network', 'is_isolated');
    expect(c).toBeDefined();
    expect(c?.notnull).toBe(1);
    expect(c?.type.toLowerCase()).toBe('integer'); // SQLite's boolean
    expect(['false', '0']).toContain(c?.dflt_value);
    // The default really yields false.
    const mem = new BetterSqlite3(':memory:');
    const ddl = (
      db.prepare("SELECT sql FROM sqlite_master WHERE name = 'network'").get() as { sql: string }
    ).sql;
    mem.exec('CREATE TABLE data_center (id text primary key)');
    mem.exec(ddl);
    mem.exec("INSERT INTO data_center VALUES ('dc')");
    mem.exec(
      "INSERT INTO network (id, name, data_center_id, vdsm_name) VALUES ('n', 'n', 'dc', 'n')",
    );
    expect(mem.prepare('SELECT is_isolated FROM network').get()).toEqual({ is_isolated: 0 });
    mem.close();
  });

  it('network_attachments: host_id NOT NULL → host, nic_id NULLABLE → host_nic, network_id', () => {
    expect(column('network_attachments', 'host_id')?.notnull).toBe(1);
    expect(column('network_attachments', 'nic_id')?.notnull).toBe(0);
    expect(column('network_attachments', 'network_id')?.notnull).toBe(1);
    const fks = db.prepare('PRAGMA foreign_key_list("network_attachments")').all() as ForeignKey[];
    expect(fks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'host_id', table: 'host', to: 'id' }),
        expect.objectContaining({ from: 'nic_id', table: 'host_nic', to: 'id' }),
        expect.objectContaining({ from: 'network_id', table: 'network', to: 'id' }),
      ]),
    );
  });

  it('network_attachments has UNIQUE(network_id, host_id) and nic_id is in no unique key', () => {
    const indexes = db.prepare('PRAGMA index_list("network_attachments")').all() as IndexRow[];
    const uniqueCols = indexes
      .filter((i) => i.unique === 1)
      .map((i) =>
        (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map(
          (c) => c.name,
        ),
      );
    expect(uniqueCols).toContainEqual(['network_id', 'host_id']);
    expect(uniqueCols.some((cols) => cols.includes('nic_id'))).toBe(false);
  });

  it('the constraint holds: two attachments of one network on one host are refused, NIC-less ones allowed', () => {
    const w = new BetterSqlite3(join(dir, 'engine.db'));
    w.pragma('foreign_keys = ON');
    w.exec(`INSERT INTO data_center (id, name) VALUES ('dc', 'dc');
      INSERT INTO cluster (id, name, data_center_id) VALUES ('cl', 'cl', 'dc');
      INSERT INTO host (id, name, address, cluster_id) VALUES ('h', 'h', 'h', 'cl');
      INSERT INTO network (id, name, data_center_id, vdsm_name) VALUES ('n', 'n', 'dc', 'n');
      INSERT INTO network_attachments (id, network_id, host_id, nic_id) VALUES ('a1', 'n', 'h', NULL);`);
    expect(() =>
      w.exec("INSERT INTO network_attachments (id, network_id, host_id) VALUES ('a2', 'n', 'h')"),
    ).toThrow(/UNIQUE/);
    expect(() =>
      w.exec(
        "INSERT INTO network_attachments (id, network_id, host_id) VALUES ('a3', 'n', 'nohost')",
      ),
    ).toThrow(/FOREIGN KEY/);
    w.close();
  });

  it('runs in WAL mode with the migrations recorded', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const applied = db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as {
      n: number;
    };
    expect(applied.n).toBeGreaterThanOrEqual(1);
  });
});
