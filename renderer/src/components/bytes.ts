// SPDX-License-Identifier: Apache-2.0
// Sizes as people read them. Binary units (GiB), as oVirt's UI and qemu-img print them.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB"; 0 → "0 B". */
export function formatBytes(bytes: number): string {
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 || Number.isInteger(v) ? 0 : 1;
  return `${v.toFixed(digits)} ${UNITS[i] ?? 'B'}`;
}

/** "12.5 MiB/s". */
export function formatBytesPerSecond(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

/**
 * Parses a size typed by a person in GiB ("10", "1.5"); null when it is not a positive
 * number. Rounded to whole MiB so the engine gets an aligned size.
 */
export function parseGiB(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const bytes = Math.round((Number(t) * GIB) / MIB) * MIB;
  return bytes > 0 ? bytes : null;
}
