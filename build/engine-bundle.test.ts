// SPDX-License-Identifier: Apache-2.0
// The prebuilt engine (issue 14): built by esbuild into a scratch root, it runs without tsx,
// finds its migrations and web UI beside the sources, and is rebuilt only when stale.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  buildEngineIfStale,
  ENGINE_ENTRIES,
  ENGINE_EXTERNALS,
  ENGINE_SOURCES,
  engineEntryPath,
  FRESH_DATABASE,
} from './engine-bundle.mjs';
import { ROOT } from './web-ui';

const scratch = mkdtempSync(join(tmpdir(), 'aio-engine-bundle-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('engine bundle', () => {
  it('builds when missing, runs without tsx, and is not rebuilt while fresh', async () => {
    for (const dir of ['main', 'db', 'libvirt', 'build']) {
      cpSync(join(ROOT, dir), join(scratch, dir), {
        recursive: true,
        filter: (src) => !src.includes('/build/guest'),
      });
    }
    cpSync(join(ROOT, 'package-lock.json'), join(scratch, 'package-lock.json'));
    cpSync(join(ROOT, 'package.json'), join(scratch, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
    const log: string[] = [];
    expect(await buildEngineIfStale((l) => log.push(l), scratch)).toBe(true);
    expect(await buildEngineIfStale((l) => log.push(l), scratch)).toBe(false);

    const bundle = readFileSync(join(scratch, ENGINE_ENTRIES.headless.output), 'utf8');
    // Native addons stay imports of node_modules (static, or dynamic where loaded on first use).
    for (const name of ENGINE_EXTERNALS.filter((n) => n !== 'electron')) {
      expect(bundle).toMatch(new RegExp(`(from |import\\()"${name.replace('/', '\\/')}"`));
    }
    // Migrations are found beside db/client.ts, not beside the bundle.
    expect(bundle).toContain('new URL("../../db/client.ts", import.meta.url)');

    const r = spawnSync(
      process.execPath,
      [join(scratch, ENGINE_ENTRIES.headless.output), '--help'],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    expect(r.stdout).toContain('usage: npm run serve');
    expect(r.status).toBe(0);

    // The headless engine runs through the code-cache loader: the first run writes the cache,
    // the next one starts from it (the same output either way).
    const loader = engineEntryPath('headless', scratch);
    expect(loader).toBe(join(scratch, 'build/engine-loader.mjs'));
    const cache = join(scratch, 'dist/engine/headless.cjs.cache');
    expect(existsSync(cache)).toBe(false);
    for (let i = 0; i < 2; i++) {
      const l = spawnSync(process.execPath, [loader, '--help'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(l.stdout).toContain('usage: npm run serve');
      expect(l.status).toBe(0);
      expect(existsSync(cache)).toBe(true);
    }
    // A new data dir starts from the migrated template built beside the bundle.
    expect(existsSync(join(scratch, FRESH_DATABASE))).toBe(true);

    // A source edit makes it stale again.
    const future = Date.now() / 1000 + 60;
    utimesSync(join(scratch, 'main', 'headless.ts'), future, future);
    expect(ENGINE_SOURCES).toContain('main');
    expect(await buildEngineIfStale(() => undefined, scratch)).toBe(true);
  }, 60_000);

  it('npm run serve and the Electron main go through the bundle', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.serve).not.toContain('tsx');
    expect(readFileSync(join(ROOT, 'build/serve.mjs'), 'utf8')).toContain('buildEngineIfStale');
    expect(pkg.main).toBe('build/electron-entry.mjs');
  });
});
