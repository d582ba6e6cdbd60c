// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { hostnameOf, hostnamesFromEnv, TrustedHosts } from './hosts';

describe('hostnameOf', () => {
  it('strips port, brackets and a final dot; refuses junk', () => {
    expect(hostnameOf('LocalHost:8080')).toBe('localhost');
    expect(hostnameOf('[::1]:443')).toBe('::1');
    expect(hostnameOf('example.org.')).toBe('example.org');
    expect(hostnameOf('a b')).toBeNull();
    expect(hostnameOf('x:port')).toBeNull();
    expect(hostnameOf('')).toBeNull();
  });
});

describe('TrustedHosts', () => {
  it('trusts loopback names, the listen address and configured names only', () => {
    const t = new TrustedHosts(['lab.example']);
    t.listening('192.0.2.7', 8443, true);
    for (const ok of [
      'localhost:8443',
      '127.0.0.1',
      '[::1]:8443',
      '192.0.2.7:8443',
      'LAB.example',
    ]) {
      expect(t.checkHostHeader(ok), ok).toBe(true);
    }
    for (const bad of ['evil.example', 'evil.example:8443', '127.0.0.1.evil.example', 'a b']) {
      expect(t.checkHostHeader(bad), bad).toBe(false);
    }
    expect(t.checkHostHeader(undefined)).toBe(true);
  });

  it('accepts an Origin of ours, refuses other sites and the null origin', () => {
    const t = new TrustedHosts();
    t.listening('127.0.0.1', 8080, false);
    expect(t.checkOrigin(undefined)).toBe(true);
    expect(t.checkOrigin('http://127.0.0.1:8080')).toBe(true);
    expect(t.checkOrigin('http://localhost:5173')).toBe(true);
    expect(t.checkOrigin('https://evil.example')).toBe(false);
    expect(t.checkOrigin('null')).toBe(false);
    expect(t.checkOrigin('file:///tmp/x.html')).toBe(false);
  });

  it('builds absolute URLs from a checked name and our own port only', () => {
    const t = new TrustedHosts();
    t.listening('127.0.0.1', 8080, false);
    expect(t.origin('localhost:9999')).toBe('http://localhost:8080');
    expect(t.origin('evil.example')).toBe('http://127.0.0.1:8080');
    expect(t.origin(undefined)).toBe('http://127.0.0.1:8080');
  });

  it('reads extra names from AIO_API_HOSTNAMES', () => {
    expect(hostnamesFromEnv({ AIO_API_HOSTNAMES: 'a.example, b.example c' })).toEqual([
      'a.example',
      'b.example',
      'c',
    ]);
  });
});
