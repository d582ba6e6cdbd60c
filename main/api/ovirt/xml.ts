// SPDX-License-Identifier: Apache-2.0
/**
 * XML at the edge: one escaping writer for every response, and a strict reader for request
 * bodies. The reader returns the same plain shape the JSON reader does (see input.ts), so the
 * mappers read one input form whatever the content type.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { DateTime, Decimal, type Doc, type DocObject, type DocValue, XML_ATTRIBUTES } from './doc';
import { SyntaxFault } from './fault';
import { MAX_BODY_DEPTH, xmlDepth } from './nesting';

/** Escapes text and attribute values (the five XML specials) and drops invalid XML chars. */
export function escapeXml(text: string): string {
  // Most values (ids, names, numbers) need nothing: one scan instead of six replaces.
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff&<>"']/.test(text)) return text;
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function scalarText(value: string | number | boolean | Decimal | DateTime): string {
  if (value instanceof Decimal) return String(value.value);
  if (value instanceof DateTime) return isoWithOffset(value.value);
  return String(value);
}

/** oVirt writes `2016-10-06T15:38:18.548+02:00`; we always answer in UTC as `+00:00`. */
function isoWithOffset(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

function isList(value: DocValue): value is readonly DocValue[] {
  return Array.isArray(value);
}

function isObject(value: DocValue): value is DocObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Decimal) &&
    !(value instanceof DateTime)
  );
}

/** Element names already checked against {@link NAME} (a handful of schema names). */
const checkedNames = new Set<string>();

/**
 * One element as text. Built by string concatenation (V8 ropes), not arrays joined per level:
 * `GET /networks` with 1000 networks spent most of its time here (issue 14, ≤ 20 ms).
 */
function element(name: string, value: DocValue): string {
  if (value === undefined) return '';
  if (!checkedNames.has(name)) {
    if (!NAME.test(name)) throw new Error(`invalid XML element name: ${name}`);
    if (checkedNames.size < 10_000) checkedNames.add(name);
  }
  if (isList(value)) {
    let items = '';
    for (const item of value) items += element(name, item);
    return items;
  }
  if (isObject(value)) {
    let attrs = '';
    let children = '';
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (child === undefined) continue;
      if (XML_ATTRIBUTES.has(key) && (typeof child === 'string' || typeof child === 'number')) {
        attrs += ` ${key}="${escapeXml(String(child))}"`;
      } else {
        children += element(key, child);
      }
    }
    return children === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
  }
  return `<${name}>${escapeXml(scalarText(value))}</${name}>`;
}

/** Serializes a document as oVirt does (declaration, attributes id/href/rel only). */
export function writeXml(doc: Doc): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${element(doc.root, doc.body)}\n`;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entities other than the predefined five are not expanded: no DOCTYPE tricks.
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The reader's output: text elements are strings, repeated elements arrays. */
export type InputValue = string | InputObject | InputValue[];
export interface InputObject {
  [key: string]: InputValue;
}

function normalize(value: unknown): InputValue {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return '';
  // No prototype: a client's `__proto__` key stays a plain field, never an object's prototype.
  const out = Object.create(null) as InputObject;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('@_')) out[key.slice(2)] = String(child);
    else if (key === '#text') {
      // Mixed content (an element with attributes and text): keep the text as `value`.
      out.value = String(child);
    } else out[key] = normalize(child);
  }
  return out;
}

/**
 * Parses a request body. The root element must be `expectedRoot` (e.g. `network`, `action`);
 * anything else, or XML that is not well formed, is a syntax error (400 usage message).
 */
export function parseXml(text: string, expectedRoot: string): InputValue {
  if (/<!DOCTYPE/i.test(text)) throw new SyntaxFault('DOCTYPE is not allowed');
  // Checked first: the parser and the normaliser recurse, and so would a stack overflow's 500.
  if (xmlDepth(text) > MAX_BODY_DEPTH) {
    throw new SyntaxFault(`the document is nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  let parsed: Record<string, unknown>;
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw new SyntaxFault(valid.err.msg);
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    // The parser throws plain errors (even TypeErrors) on some truncated documents, e.g.
    // `<action/` or an unclosed comment: all of them are the client's syntax error.
    if (err instanceof SyntaxFault) throw err;
    throw new SyntaxFault(err instanceof Error ? err.message : String(err));
  }
  const roots = Object.keys(parsed).filter((k) => !k.startsWith('?'));
  if (roots.length !== 1 || roots[0] !== expectedRoot) {
    throw new SyntaxFault(`unexpected element (expected <${expectedRoot}>)`);
  }
  if (Array.isArray(parsed[expectedRoot])) {
    throw new SyntaxFault('a document has exactly one root element');
  }
  return normalize(parsed[expectedRoot]);
}
