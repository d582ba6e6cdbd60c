// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { median, quantile } from './measure';

describe('quantile', () => {
  it('uses the nearest rank', () => {
    const s = [5, 1, 4, 2, 3];
    expect(median(s)).toBe(3);
    expect(quantile(s, 0.99)).toBe(5);
    expect(quantile(s, 0.2)).toBe(1);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});
