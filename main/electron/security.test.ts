// SPDX-License-Identifier: Apache-2.0
// The window's CSP as Electron receives it, without Electron: `electron` is replaced by
// recorders of the header hook and of the file:// handler that serves the app's page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, describe, expect, it, vi } from 'vitest';

type HeaderHook = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (r: { responseHeaders: Record<string, string[]> }) => void,
) => void;
type FileHandler = (request: Request) => Promise<Response>;

const hooks: { headers: HeaderHook | null; file: FileHandler | null; fetched: string[] } = {
  headers: null,
  file: null,
  fetched: [],
};

vi.mock('electron', () => ({
  app: { on: () => undefined, enableSandbox: () => undefined },
  session: {
    defaultSession: {
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
      setDevicePermissionHandler: () => undefined,
      webRequest: {
        onHeadersReceived: (h: HeaderHook) => {
          hooks.headers = h;
        },
      },
    },
  },
  protocol: {
    handle: (scheme: string, h: FileHandler) => {
      if (scheme === 'file') hooks.file = h;
    },
  },
  net: {
    fetch: (request: Request) => {
      hooks.fetched.push(request.url);
      return Promise.resolve(new Response('other file'));
    },
  },
}));

const { installSecurity, serveAppPage } = await import('./security');

const GRAPHICS = 'ws://127.0.0.1:41234';
const dir = mkdtempSync(join(tmpdir(), 'aio-security-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('Electron CSP with the screen listener', () => {
  it("sends connect-src to exactly the screen's origin as a header", () => {
    installSecurity(() => 'file:///app/index.html', GRAPHICS);
    let sent: Record<string, string[]> = {};
    hooks.headers?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => {
      sent = r.responseHeaders;
    });
    const csp = sent['Content-Security-Policy']?.[0] ?? '';
    expect(csp.split('; ').filter((d) => d.startsWith('connect-src'))).toEqual([
      `connect-src 'self' ${GRAPHICS}`,
    ]);
    expect(csp).not.toContain('*');
    expect(sent['X-Other']).toEqual(['1']);
  });

  it("serves the app's page with that policy in its meta tag and header; other files untouched", async () => {
    const page = join(dir, 'index.html');
    writeFileSync(
      page,
      '<meta http-equiv="Content-Security-Policy" content="connect-src \'self\'" /><p>app</p>',
    );
    serveAppPage(page, GRAPHICS);
    const res = await hooks.file?.(new Request(pathToFileURL(page).href));
    const body = (await res?.text()) ?? '';
    expect(res?.headers.get('content-security-policy')).toContain(
      `connect-src 'self' ${GRAPHICS};`,
    );
    expect(body).toContain(`connect-src 'self' ${GRAPHICS};`);
    expect(body).not.toContain('frame-ancestors');
    expect(body).toContain('<p>app</p>');
    const other = pathToFileURL(join(dir, 'assets', 'main.js')).href;
    expect(await (await hooks.file?.(new Request(other)))?.text()).toBe('other file');
    expect(hooks.fetched).toEqual([other]);
  });
});
