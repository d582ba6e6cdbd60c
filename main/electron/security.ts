// SPDX-License-Identifier: Apache-2.0
/**
 * Electron hardening that applies to every web contents (Electron security checklist):
 * no navigation away from the app, no new windows, no <webview>, every permission denied,
 * and the renderer's CSP also sent as a header.
 *
 * @see https://www.electronjs.org/docs/latest/tutorial/security
 */
import { app, session, shell, type WebContents } from 'electron';

/** The renderer's policy (same as the meta tag in renderer/index.html). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // xterm.js writes its theme into a <style> element at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True when `target` is the page the window was opened on (reloads and hash routes). */
export function isSameDocument(target: string, appUrl: string): boolean {
  try {
    const t = new URL(target);
    const a = new URL(appUrl);
    return t.protocol === a.protocol && t.host === a.host && t.pathname === a.pathname;
  } catch {
    return false;
  }
}

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
  contents.setWindowOpenHandler(({ url }) => {
    // Documentation links may open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Installs the hardening. Call before the first window is created.
 * @param appUrl returns the URL the main window loads (file:// or the dev server).
 */
export function installSecurity(appUrl: () => string): void {
  app.enableSandbox();
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
