// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { formatBytes, formatBytesPerSecond, GIB, MIB, parseGiB } from './bytes';

describe('bytes', () => {
  it('formats binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(64 * MIB)).toBe('64 MiB');
    expect(formatBytes(10 * GIB)).toBe('10 GiB');
    expect(formatBytes(123.4 * GIB)).toBe('123 GiB');
    expect(formatBytesPerSecond(2.5 * MIB)).toBe('2.5 MiB/s');
  });

  it('parses GiB typed by a person', () => {
    expect(parseGiB('10')).toBe(10 * GIB);
    expect(parseGiB(' 1.5 ')).toBe(1.5 * GIB);
    expect(parseGiB('0.0001')).toBeNull();
    expect(parseGiB('0')).toBeNull();
    expect(parseGiB('-1')).toBeNull();
    expect(parseGiB('ten')).toBeNull();
  });
});
