// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { formatRate, polyline, ratesOf } from './RateChart';

describe('rate chart', () => {
  it('reads current rates from oVirt statistics', () => {
    const stat = (name: string, datum: number) => ({
      id: name,
      name,
      description: '',
      kind: 'gauge' as const,
      type: 'decimal' as const,
      unit: 'bytes_per_second' as const,
      values: [{ datum }],
    });
    expect(ratesOf([stat('data.current.rx', 10), stat('data.current.tx', 20)])).toEqual({
      rx: 10,
      tx: 20,
    });
    expect(ratesOf([])).toEqual({ rx: 0, tx: 0 });
  });

  it('formats rates and scales points to the box', () => {
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(2048)).toBe('2.0 KB/s');
    // two samples are drawn at the right edge; the max reaches the top (y = 0)
    expect(polyline([0, 10], 290, 10, 10)).toBe('280.0,10.0 290.0,0.0');
  });
});
