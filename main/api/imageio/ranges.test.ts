// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { contentRangeStart, parseRange } from './ranges';

describe('parseRange', () => {
  it('reads one range, clamps the end, and knows suffixes', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
  });

  it('refuses several ranges and ranges past the end (416), garbage (400)', () => {
    expect(parseRange('bytes=0-1,4-5', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-1', 1000)).toBe('malformed');
    expect(parseRange('items=0-1', 1000)).toBe('malformed');
    expect(parseRange('bytes=a-b', 1000)).toBe('malformed');
    expect(parseRange('bytes=99999999999999999999-', 1000)).toBe('malformed');
  });
});

describe('contentRangeStart', () => {
  it('takes the start of the forms clients send', () => {
    expect(contentRangeStart(undefined)).toBe(0);
    expect(contentRangeStart('bytes 0-99/*')).toBe(0);
    expect(contentRangeStart('bytes 4096-8191/10000')).toBe(4096);
    expect(contentRangeStart('bytes 10-*/*')).toBe(10);
  });

  it('refuses malformed ones', () => {
    expect(contentRangeStart('bytes 9-1/*')).toBeNull();
    expect(contentRangeStart('bytes x-1/*')).toBeNull();
    expect(contentRangeStart('0-1')).toBeNull();
  });
});
