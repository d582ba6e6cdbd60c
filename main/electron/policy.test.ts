// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { CONTENT_SECURITY_POLICY, isSameDocument } from './policy';

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
});
