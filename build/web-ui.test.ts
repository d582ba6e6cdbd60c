// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { isStale, newestMtime, ROOT } from './web-ui';

const dir = mkdtempSync(join(tmpdir(), 'aio-web-ui-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const touch = (rel: string, seconds: number): void => {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, rel);
  utimesSync(p, seconds, seconds);
};

describe('web UI staleness', () => {
  it('is stale when the build is missing (a fresh clone), fresh once built, stale again after a source edit', () => {
    touch('src/a/b.ts', 1000);
    touch('cfg.ts', 900);
    expect(isStale(dir, 'out/index.html', ['src', 'cfg.ts'])).toBe(true);
    touch('out/index.html', 2000);
    expect(isStale(dir, 'out/index.html', ['src', 'cfg.ts'])).toBe(false);
    touch('src/a/c.tsx', 3000);
    expect(newestMtime(dir, ['src', 'cfg.ts'])).toBe(3000 * 1000);
    expect(isStale(dir, 'out/index.html', ['src', 'cfg.ts'])).toBe(true);
  });

  it('npm run serve goes through the build step (it served "UI not built" on a fresh clone)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.serve).toContain('build/serve.mjs');
    expect(readFileSync(join(ROOT, 'build/serve.mjs'), 'utf8')).toContain('buildWebUiIfStale');
  });
});
