// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  isGraphicsOrigin,
  isSameDocument,
  withMetaPolicy,
} from './policy';

describe('shell policy', () => {
  const app = 'file:///opt/aio/dist/renderer/index.html';

  it('allows the app page and its hash routes only', () => {
    expect(isSameDocument('file:///opt/aio/dist/renderer/index.html#/vms/1/console', app)).toBe(
      true,
    );
    expect(isSameDocument('file:///etc/passwd', app)).toBe(false);
    expect(isSameDocument('https://example.org/', app)).toBe(false);
    expect(isSameDocument('not a url', app)).toBe(false);
    expect(isSameDocument('http://localhost:5173/#/x', 'http://localhost:5173/')).toBe(true);
    expect(isSameDocument('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });

  it('has a CSP without inline or eval scripts', () => {
    const script = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('is the same policy as the meta tag of renderer/index.html (which cannot carry frame-ancestors)', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const header = CONTENT_SECURITY_POLICY.split('; ').filter(
      (d) => !d.startsWith('frame-ancestors'),
    );
    expect(meta?.split('; ')).toEqual(header);
  });

  it("allows connect-src to exactly the screen's loopback WebSocket and nothing wider", () => {
    const policy = contentSecurityPolicy('ws://127.0.0.1:43117');
    const directives = policy.split('; ');
    expect(directives.filter((d) => d.startsWith('connect-src'))).toEqual([
      "connect-src 'self' ws://127.0.0.1:43117",
    ]);
    // Only connect-src changes; everything else is the base policy.
    expect(directives.filter((d) => !d.startsWith('connect-src'))).toEqual(
      CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('connect-src')),
    );
    expect(contentSecurityPolicy(null)).toBe(CONTENT_SECURITY_POLICY);
    // Anything that is not one loopback port leaves the policy as it was.
    for (const wide of [
      'ws://127.0.0.1:*',
      'ws://127.0.0.1',
      'ws:',
      'ws://localhost:43117',
      'ws://0.0.0.0:43117',
      'wss://127.0.0.1:43117',
      'ws://127.0.0.1:43117/x',
      'ws://127.0.0.1:99999',
      "ws://127.0.0.1:1 'unsafe-eval'",
      '*',
    ]) {
      expect(isGraphicsOrigin(wide)).toBe(false);
      expect(contentSecurityPolicy(wide)).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it("puts the window's policy into the page's meta tag (which would otherwise block the screen)", () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const policy = contentSecurityPolicy('ws://127.0.0.1:40000');
    const served = withMetaPolicy(html, policy);
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(served)?.[1];
    expect(meta?.split('; ')).toEqual(
      policy.split('; ').filter((d) => !d.startsWith('frame-ancestors')),
    );
    expect(meta).toContain("connect-src 'self' ws://127.0.0.1:40000;");
    expect(withMetaPolicy('<html></html>', policy)).toBe('<html></html>');
  });
});
