// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { passwordMatcher } from './seed';

describe('passwordMatcher (the seeded admin checked without scrypt)', () => {
  it('accepts exactly the seeded password', () => {
    const matches = passwordMatcher('s3cret-Ä');
    expect(matches('s3cret-Ä')).toBe(true);
    expect(matches('s3cret-A')).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches('s3cret-Ä ')).toBe(false);
  });

  it('keys every matcher separately (no shared digest of a password)', () => {
    const a = passwordMatcher('same');
    const b = passwordMatcher('other');
    expect(a('same')).toBe(true);
    expect(b('same')).toBe(false);
  });
});
