// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { allocateMac, macToString, normalizeMac } from './mac-pool';

describe('MAC pool', () => {
  it('allocates the lowest free address', () => {
    expect(allocateMac([])).toBe('00:1a:4a:16:00:00');
    expect(allocateMac(['00:1a:4a:16:00:00', '00:1A:4A:16:00:01'])).toBe('00:1a:4a:16:00:02');
  });
  it('formats and normalizes', () => {
    expect(macToString(0x001a4a1601e6)).toBe('00:1a:4a:16:01:e6');
    expect(normalizeMac('00-1A-4A-16-01-51')).toBe('00:1a:4a:16:01:51');
    expect(normalizeMac('01:00:5e:00:00:01')).toBeNull(); // multicast
    expect(normalizeMac('zz:00:00:00:00:00')).toBeNull();
  });
});
