// SPDX-License-Identifier: Apache-2.0
/**
 * The Electron shell through Playwright's `_electron`: runs only where the Electron binary
 * and a display exist (it cannot be downloaded on this project's CI machines); otherwise each
 * test is skipped and the reason printed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureRendererBuilt, ROOT } from './support/headless-server';

/**
 * What the tests look at in the page. This file is type-checked without the DOM lib, and
 * functions given to `page.evaluate` run in the page, so each casts `globalThis` itself.
 */
interface PageGlobals {
  aio: { invoke(op: string, input: unknown): Promise<unknown> };
  require?: unknown;
  process?: unknown;
  open(url: string): unknown;
  location: { href: string };
}

/** The Electron binary, or why there is none. */
function electronBinary(): { path: string } | { problem: string } {
  try {
    const path = createRequire(join(ROOT, 'package.json'))('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { problem: 'the electron package has no binary' };
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    return { problem: `the Electron binary is not installed (${first})` };
  }
}

const binary = electronBinary();
const problem =
  'problem' in binary
    ? binary.problem
    : !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
      ? 'no display (DISPLAY/WAYLAND_DISPLAY unset)'
      : null;
if (problem) console.log(`[e2e] Electron tests skipped: ${problem}`);

describe.skipIf(problem !== null)('Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    await ensureRendererBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'aio-e2e-electron-'));
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : '',
      args: [ROOT],
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '--import=tsx',
        AIO_DATA_DIR: dataDir,
        AIO_ADMIN_PASSWORD: 'e2e-electron',
      },
    });
    page = await app.firstWindow();
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor({ timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('exposes only invoke/subscribe to the page, no Node', async () => {
    const seen = await page.evaluate(() => ({
      bridge: Object.keys((globalThis as unknown as PageGlobals).aio).sort(),
      require: typeof (globalThis as unknown as PageGlobals).require,
      process: typeof (globalThis as unknown as PageGlobals).process,
    }));
    expect(seen).toEqual({
      bridge: ['invoke', 'subscribe'],
      require: 'undefined',
      process: 'undefined',
    });
  });

  it('answers contract operations over IPC and rejects bad input', async () => {
    const ok = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).aio.invoke('GetAllDataCenters', {}),
    );
    expect(ok).toMatchObject({ ok: true });
    const bad = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).aio.invoke('AddNetwork', { name: 1 }),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('blocks window.open and navigation away from the app', async () => {
    const opened = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).open('https://example.org') === null,
    );
    expect(opened).toBe(true);
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.org/';
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(page.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  });
});
