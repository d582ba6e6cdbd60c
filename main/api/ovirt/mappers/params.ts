// SPDX-License-Identifier: Apache-2.0
/**
 * Query and matrix parameters of storage requests (`?detach_only=true`, `?clone=true`,
 * `?follow=disk`), read the way oVirt's `ParametersHelper` reads them: a bare parameter
 * means true, and anything but a boolean is `400 Invalid value`.
 */
import { parseBoolean } from '../input';

/** A boolean query parameter; undefined when absent. */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (v.trim() === '') return true;
  return parseBoolean(v);
}

/** True when `follow` names `path` (comma-separated dotted paths). */
export function follows(query: URLSearchParams, path: string): boolean {
  const follow = query.get('follow');
  if (follow === null) return false;
  return follow
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes(path);
}

/** oVirt keeps sizes in whole GiB on storage domains and shows them as bytes. */
export const GiB = 2 ** 30;

/** Bytes rounded down to whole GiB, as oVirt's `StorageDomainMapper` shows them. */
export function wholeGiB(bytes: number): number {
  return Math.floor(bytes / GiB) * GiB;
}
