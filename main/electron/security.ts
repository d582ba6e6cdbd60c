// SPDX-License-Identifier: Apache-2.0
/**
 * Electron hardening that applies to every web contents (Electron security checklist):
 * no navigation away from the app, no new windows, no <webview>, every permission denied,
 * and the renderer's CSP also sent as a header.
 *
 * @see https://www.electronjs.org/docs/latest/tutorial/security
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

import { app, net, protocol, session, type WebContents } from 'electron';

import { contentSecurityPolicy, isSameDocument, withMetaPolicy } from './policy';

function harden(contents: WebContents, appUrl: () => string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isSameDocument(url, appUrl())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isSameDocument(url, appUrl())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  // No new windows at all: the UI has no links that need one.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Sandboxes every renderer. Electron accepts this only before the app is ready. */
export function enableSandboxEarly(): void {
  app.enableSandbox();
}

/**
 * Installs the hardening. Call once the app is ready, before the first window is created.
 * @param appUrl returns the URL the main window loads (file:// or the dev server).
 * @param graphicsOrigin the screen's loopback WebSocket (`ws://127.0.0.1:<port>`), the one
 *   origin besides the app itself that `connect-src` allows; null when none runs.
 */
export function installSecurity(appUrl: () => string, graphicsOrigin: string | null = null): void {
  const policy = contentSecurityPolicy(graphicsOrigin);
  app.on('web-contents-created', (_event, contents) => {
    harden(contents, appUrl);
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => {
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [policy],
      },
    });
  });
}

/**
 * Serves the app's own page (the built renderer's index.html) with the window's policy in its
 * meta tag and as a header: a file:// response carries no header, and the meta tag's
 * `connect-src 'self'` alone would block the screen's loopback WebSocket. Every other file://
 * request is loaded as Electron would without this handler.
 */
export function serveAppPage(appFile: string, graphicsOrigin: string | null): void {
  const policy = contentSecurityPolicy(graphicsOrigin);
  const page = pathToFileURL(appFile).pathname;
  protocol.handle('file', async (request) => {
    if (new URL(request.url).pathname !== page) {
      return net.fetch(request, { bypassCustomProtocolHandlers: true });
    }
    const html = withMetaPolicy(await readFile(appFile, 'utf8'), policy);
    return new Response(html, {
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': policy },
    });
  });
}
