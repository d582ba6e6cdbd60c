// SPDX-License-Identifier: Apache-2.0
/**
 * Electron hardening that applies to every web contents (Electron security checklist):
 * no navigation away from the app, no new windows, no <webview>, every permission denied,
 * and the renderer's CSP also sent as a header.
 *
 * @see https://www.electronjs.org/docs/latest/tutorial/security
 */
import { app, session, type WebContents } from 'electron';

import { CONTENT_SECURITY_POLICY, isSameDocument } from './policy';

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
 */
export function installSecurity(appUrl: () => string): void {
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
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
}
