// SPDX-License-Identifier: Apache-2.0
/**
 * The import's intent record, so a CLI killed half-way (Ctrl-C, a crash, a power cut) leaves
 * nothing behind for long: before its first change an import writes what it is about to
 * create (engine, the remapped lab file, then each disk id as soon as the engine gives it);
 * success or a completed undo deletes the record. The next `aio lab import` against the same
 * engine finds records whose process is gone and undoes them first (the same compensation a
 * failed import runs). Records live in `$AIO_STATE_DIR` (default `~/.local/state/aio`)
 * under `imports/`, one JSON file each, written to a temporary name and renamed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { engineBase } from '../../engine/client';

export interface ImportRecord {
  readonly engine: string;
  readonly pid: number;
  readonly started: string;
  readonly lab: string;
  /** The remapped lab file being applied (what to destroy). */
  readonly labFile: string;
  /** Disks created so far. */
  readonly disks: readonly string[];
}

function stateDir(): string {
  return (
    process.env.AIO_STATE_DIR ??
    join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'aio')
  );
}

function dirOf(): string {
  const dir = join(stateDir(), 'imports');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function keyOf(engine: string): string {
  return createHash('sha256').update(engineBase(engine)).digest('hex').slice(0, 16);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One import's record; `save` rewrites it, `done` removes it. */
export class ImportJournal {
  readonly #file: string;
  #record: ImportRecord;

  constructor(engine: string, lab: string, labFile: string) {
    this.#file = join(dirOf(), `${keyOf(engine)}-${lab}-${process.pid}.json`);
    this.#record = {
      engine: engineBase(engine),
      pid: process.pid,
      started: new Date().toISOString(),
      lab,
      labFile,
      disks: [],
    };
    this.#write();
  }

  addDisk(id: string): void {
    this.#record = { ...this.#record, disks: [...this.#record.disks, id] };
    this.#write();
  }

  done(): void {
    rmSync(this.#file, { force: true });
  }

  #write(): void {
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#record, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.#file);
  }
}

/** Records of interrupted imports into `engine` (their process is gone), with their files. */
export function interruptedImports(
  engine: string,
): { readonly file: string; readonly record: ImportRecord }[] {
  const dir = dirOf();
  const prefix = `${keyOf(engine)}-`;
  const out: { file: string; record: ImportRecord }[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
    const file = join(dir, name);
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as ImportRecord;
      if (record.engine === engineBase(engine) && !alive(record.pid)) out.push({ file, record });
    } catch {
      // A record cut short before its first rename cannot exist (write-then-rename); skip junk.
    }
  }
  return out;
}

export function forget(file: string): void {
  rmSync(file, { force: true });
}
