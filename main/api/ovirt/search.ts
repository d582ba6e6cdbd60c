// SPDX-License-Identifier: Apache-2.0
/**
 * The subset of oVirt's search language clients use on top-level lists: `name=x`,
 * `name="x y"`, `name=ab*` and conjunctions such as `name="x" and datacenter="y"`
 * (Ansible). Matching is case-insensitive unless `case_sensitive=true`, as in oVirt.
 *
 * @see ../../../../shared/reference/ovirt-api.md §1.8
 */
import { ApiFault, faultDoc } from './fault';

export interface SearchTerm {
  /** Lower-cased field name, e.g. `name`, `datacenter`, `cluster`, `status`, `clusters.name`. */
  readonly field: string;
  readonly value: string;
}

const TERM = /^\s*([A-Za-z_.]+)\s*(=|!=)\s*("([^"]*)"|'([^']*)'|(\S+))\s*/;

/** Parses a search string into `and`-joined equality terms. @throws 400 fault */
export function parseSearch(search: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  // oVirt lets the query start with the entity type: `Vms: name=x`.
  let rest = search.replace(/^\s*[A-Za-z]+\s*:\s*/, '');
  while (rest.trim() !== '') {
    const m = TERM.exec(rest);
    if (m === null || m[2] !== '=') {
      throw new ApiFault(400, faultDoc('Operation Failed', `[Invalid search query: ${search}]`));
    }
    const field = (m[1] ?? '').toLowerCase();
    terms.push({ field, value: m[4] ?? m[5] ?? m[6] ?? '' });
    rest = rest.slice(m[0].length);
    const and = /^and\s+/i.exec(rest);
    if (and) rest = rest.slice(and[0].length);
    else if (rest.trim() !== '') {
      throw new ApiFault(400, faultDoc('Operation Failed', `[Invalid search query: ${search}]`));
    }
  }
  return terms;
}

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * A glob test (`*` = any run of characters, all else literal). Each literal segment is found
 * at its earliest place after the previous one, which is exact for globs and never backtracks;
 * a single RegExp with several `.*` backtracks polynomially in the name's length (`name=a*a*a*a*a*a*a*a*b` against a
 * 60-character name blocked the event loop for 45 s). Like oVirt's SQL LIKE, `*` also spans
 * line breaks.
 */
function globMatcher(glob: string, caseSensitive: boolean): (value: string) => boolean {
  const segments = glob.split('*').map((text) => ({
    length: text.length,
    // Literal patterns: no quantifier, so no backtracking. `y` tests one place, `g` searches.
    at: new RegExp(escapeRegExp(text), caseSensitive ? 'y' : 'iy'),
    find: new RegExp(escapeRegExp(text), caseSensitive ? 'g' : 'gi'),
  }));
  const matchesAt = (re: RegExp, value: string, index: number): boolean => {
    re.lastIndex = index;
    return re.test(value);
  };
  const first = segments[0];
  const last = segments[segments.length - 1];
  return (value) => {
    if (first === undefined || last === undefined) return false;
    if (segments.length === 1)
      return value.length === first.length && matchesAt(first.at, value, 0);
    if (!matchesAt(first.at, value, 0)) return false;
    let pos = first.length;
    for (const middle of segments.slice(1, -1)) {
      middle.find.lastIndex = pos;
      const hit = middle.find.exec(value);
      if (hit === null) return false;
      pos = hit.index + middle.length;
    }
    const end = value.length - last.length;
    return end >= pos && matchesAt(last.at, value, end);
  };
}

/**
 * Filters `items` by the request's `search`, `case_sensitive` and `max` parameters.
 * `fields` gives, per searchable field, the item's value(s). Unknown fields match nothing.
 */
export function applySearch<T>(
  items: readonly T[],
  query: URLSearchParams,
  fields: Readonly<Record<string, (item: T) => string | readonly string[] | undefined>>,
): T[] {
  const search = query.get('search');
  let out = [...items];
  if (search !== null && search.trim() !== '') {
    const caseSensitive = query.get('case_sensitive')?.toLowerCase() === 'true';
    for (const term of parseSearch(search)) {
      // Own keys only: `constructor=x` or `__proto__=x` must match nothing, not call Object.
      const get = Object.hasOwn(fields, term.field) ? fields[term.field] : undefined;
      const matches = globMatcher(term.value, caseSensitive);
      out = out.filter((item) => {
        if (get === undefined) return false;
        const v = get(item);
        const values = v === undefined ? [] : typeof v === 'string' ? [v] : v;
        return values.some(matches);
      });
    }
  }
  const max = query.get('max');
  if (max !== null && /^\d+$/.test(max)) out = out.slice(0, Number(max));
  return out;
}
