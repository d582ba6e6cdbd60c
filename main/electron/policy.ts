// SPDX-License-Identifier: Apache-2.0
// What the shell allows, as data and pure functions (tested without Electron).

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
