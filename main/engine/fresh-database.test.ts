// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { migrationDigests } from '../../build/engine-bundle.mjs';
import { copyFreshDatabase } from './fresh-database';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A migrations folder, a template built "from" it, and an empty data dir. */
function world(): { migrations: string; template: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'fresh-db-'));
  dirs.push(root);
  const migrations = join(root, 'migrations');
  mkdirSync(join(migrations, 'meta'), { recursive: true });
  writeFileSync(join(migrations, '0000_init.sql'), 'CREATE TABLE a (x);');
  writeFileSync(join(migrations, 'meta/_journal.json'), '{"entries":[]}');
  const template = join(root, 'fresh-engine.db');
  writeFileSync(template, 'TEMPLATE');
  writeFileSync(`${template}.json`, JSON.stringify({ digests: migrationDigests(migrations) }));
  mkdirSync(join(root, 'data'));
  return { migrations, template, file: join(root, 'data/engine.db') };
}

describe('copyFreshDatabase', () => {
  it('copies the template into a new data dir when it was built from these migrations', () => {
    const w = world();
    expect(copyFreshDatabase(w.file, w.template, w.migrations)).toBe(true);
    expect(readFileSync(w.file, 'utf8')).toBe('TEMPLATE');
  });

  it('never replaces an existing database', () => {
    const w = world();
    writeFileSync(w.file, 'MINE');
    expect(copyFreshDatabase(w.file, w.template, w.migrations)).toBe(false);
    expect(readFileSync(w.file, 'utf8')).toBe('MINE');
  });

  it('refuses a template built from other migrations (edited, added or missing digests)', () => {
    const w = world();
    writeFileSync(join(w.migrations, '0001_more.sql'), 'CREATE TABLE b (y);');
    expect(copyFreshDatabase(w.file, w.template, w.migrations)).toBe(false);
    rmSync(`${w.template}.json`);
    expect(copyFreshDatabase(w.file, w.template, w.migrations)).toBe(false);
    expect(() => readFileSync(w.file)).toThrow();
  });
});
