// SPDX-License-Identifier: Apache-2.0
/**
 * JSON the way oVirt's Jackson provider writes it: integers and booleans as strings (the
 * JAXB adapters turn them into text first), decimals as numbers, dates as epoch milliseconds,
 * no root name, absent fields omitted.
 *
 * @see ../../../../shared/reference/ovirt-api.md §1.5
 */
import { DateTime, Decimal, type Doc, type DocValue } from './doc';
import { SyntaxFault } from './fault';
import { jsonDepth, MAX_BODY_DEPTH } from './nesting';
import type { InputObject, InputValue } from './xml';

function toJson(value: DocValue): unknown {
  if (value === undefined) return undefined;
  if (value instanceof Decimal) return value.value;
  if (value instanceof DateTime) return value.value.getTime();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return (value as readonly DocValue[]).map(toJson);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const converted = toJson(child);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** Serializes a document body as oVirt's JSON (the root element name is dropped). */
export function writeJson(doc: Doc): string {
  return JSON.stringify(toJson(doc.body), null, 2) + '\n';
}

function normalize(value: unknown): InputValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    return value.map(normalize).filter((v): v is InputValue => v !== undefined);
  }
  if (typeof value === 'object') {
    // No prototype: a client's `__proto__` key stays a plain field, never an object's prototype.
    const out = Object.create(null) as InputObject;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const converted = normalize(child);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  }
  // Jackson accepts "mtu": 9000 and "mtu": "9000" alike; the readers see text either way.
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Parses a JSON request body into the reader shape shared with XML. */
export function parseJson(text: string): InputValue {
  // Checked first: the normaliser recurses, and so would a stack overflow's 500.
  if (jsonDepth(text) > MAX_BODY_DEPTH) {
    throw new SyntaxFault(`the document is nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SyntaxFault((err as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SyntaxFault('expected a JSON object');
  }
  return normalize(parsed) ?? {};
}
