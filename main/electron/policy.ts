// SPDX-License-Identifier: Apache-2.0
// What the shell allows, as data and pure functions (tested without Electron).

/** The screen's loopback WebSocket origin, exactly `ws://127.0.0.1:<port>` (no wildcard). */
const GRAPHICS_ORIGIN = /^ws:\/\/127\.0\.0\.1:([1-9][0-9]{0,4})$/;

/** True when `origin` is a loopback WebSocket origin with one concrete port. */
export function isGraphicsOrigin(origin: string): boolean {
  const port = GRAPHICS_ORIGIN.exec(origin)?.[1];
  return port !== undefined && Number(port) <= 65535;
}

const BASE_POLICY = [
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
];

/** The renderer's policy (same as the meta tag in renderer/index.html). */
export const CONTENT_SECURITY_POLICY = BASE_POLICY.join('; ');

/**
 * The policy of the Electron window: the base one plus, when the screen's loopback listener
 * runs (main/api/graphics/loopback-server.ts), `connect-src` to exactly its origin. Anything
 * that is not one loopback port is ignored rather than widening the policy.
 */
export function contentSecurityPolicy(graphicsOrigin?: string | null): string {
  if (!graphicsOrigin || !isGraphicsOrigin(graphicsOrigin)) return CONTENT_SECURITY_POLICY;
  return BASE_POLICY.map((d) =>
    d === "connect-src 'self'" ? `connect-src 'self' ${graphicsOrigin}` : d,
  ).join('; ');
}

/**
 * The renderer's index.html with its CSP meta tag set to `policy` (minus frame-ancestors, which
 * a meta tag cannot carry): a page's policies all apply, so the meta tag's `connect-src 'self'`
 * would otherwise block the screen's WebSocket from a file:// page. Unchanged when no tag.
 */
export function withMetaPolicy(html: string, policy: string): string {
  const meta = policy
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ');
  return html.replace(
    /(http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/,
    (_m, a: string, b: string) => `${a}${meta}${b}`,
  );
}

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
