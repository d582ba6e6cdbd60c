// SPDX-License-Identifier: Apache-2.0
/**
 * A new data dir's engine.db from a template (issue 14): the bundle build leaves a migrated
 * empty database in dist/engine (build/engine-bundle.mjs, FRESH_DATABASE) with the digest of
 * every migration file it was built from. Copying it saves running the migrations (40–80 ms of
 * DDL and fsync) on the way to the first answer; openDatabase still runs the migrator, which
 * then finds nothing to do. Used only when the digests match this engine's migrations, so a
 * template from other sources is never used.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { MIGRATIONS_FOLDER } from '../../db/client';

/** sha256 of each migration file by name (the same as build/engine-bundle.mjs computes). */
function migrationDigests(dir: string): Record<string, string> {
  const names = [
    ...readdirSync(dir).filter((n) => n.endsWith('.sql')),
    ...(existsSync(join(dir, 'meta/_journal.json')) ? ['meta/_journal.json'] : []),
  ].sort();
  return Object.fromEntries(
    names.map((n) => [
      n,
      createHash('sha256')
        .update(readFileSync(join(dir, n)))
        .digest('hex'),
    ]),
  );
}

/** Whether the template's recorded digests are exactly this engine's migrations. */
function matches(template: string, dir: string): boolean {
  try {
    const recorded = (JSON.parse(readFileSync(`${template}.json`, 'utf8')) as { digests?: unknown })
      .digests;
    return JSON.stringify(recorded) === JSON.stringify(migrationDigests(dir));
  } catch {
    return false;
  }
}

/**
 * Puts a copy of `template` at `file` when `file` does not exist yet and the template fits.
 * Returns whether it did. Never throws: without a copy the migrations simply run.
 */
export function copyFreshDatabase(
  file: string,
  template: string,
  dir: string = MIGRATIONS_FOLDER,
): boolean {
  if (existsSync(file) || !existsSync(template) || !matches(template, dir)) return false;
  try {
    // Copied then renamed: a crash mid-copy leaves no half database under the real name.
    copyFileSync(template, `${file}.fresh`);
    renameSync(`${file}.fresh`, file);
    return true;
  } catch {
    return false;
  }
}
