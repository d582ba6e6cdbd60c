// SPDX-License-Identifier: Apache-2.0
/**
 * The byte-range headers of imageio's HTTP subset: one `Range: bytes=S-E` on GET (several
 * ranges are refused, as imageio does) and `Content-Range: bytes S-E/*` on PUT, where only
 * S matters.
 *
 * @see ../../../../shared/reference/ovirt-guests-api.md §3 (imageio HTTP subset)
 */

/** A closed byte interval `[start, end]`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Why a Range header cannot be served. */
export type RangeError = 'malformed' | 'unsatisfiable';

const INT = /^\d{1,16}$/;

function num(text: string): number | null {
  if (!INT.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Parses a GET `Range` against an image of `size` bytes. `bytes=S-E`, `bytes=S-` and the
 * suffix form `bytes=-N` are accepted; E is clamped to the last byte (RFC 9110). Several
 * ranges, or a range starting at or past the end, are unsatisfiable (416).
 */
export function parseRange(header: string, size: number): ByteRange | RangeError {
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (m === null) return 'malformed';
  const spec = (m[1] ?? '').trim();
  if (spec.includes(',')) return 'unsatisfiable';
  const dash = spec.indexOf('-');
  if (dash < 0) return 'malformed';
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();
  if (first === '') {
    const suffix = num(last);
    if (suffix === null) return 'malformed';
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = num(first);
  if (start === null) return 'malformed';
  let end = size - 1;
  if (last !== '') {
    const e = num(last);
    if (e === null || e < start) return 'malformed';
    end = Math.min(e, size - 1);
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/**
 * The offset of a PUT's `Content-Range` (`bytes S-E/*`, `bytes S-E/T`, `bytes S-*`/…).
 * Absent header = offset 0 (`curl -T`). Null when malformed.
 */
export function contentRangeStart(header: string | undefined): number | null {
  if (header === undefined) return 0;
  const m = /^\s*bytes\s+(\d{1,16})-(\d{1,16}|\*)?(?:\/(\d{1,16}|\*))?\s*$/i.exec(header);
  if (m === null) return null;
  const start = num(m[1] ?? '');
  if (start === null) return null;
  const end = m[2] === undefined || m[2] === '*' ? null : num(m[2]);
  if (end !== null && end < start) return null;
  return start;
}
