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

function globToRegExp(glob: string, caseSensitive: boolean): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
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
      const re = globToRegExp(term.value, caseSensitive);
      out = out.filter((item) => {
        if (get === undefined) return false;
        const v = get(item);
        const values = v === undefined ? [] : typeof v === 'string' ? [v] : v;
        return values.some((x) => re.test(x));
      });
    }
  }
  const max = query.get('max');
  if (max !== null && /^\d+$/.test(max)) out = out.slice(0, Number(max));
  return out;
}
