// SPDX-License-Identifier: Apache-2.0
/**
 * The in-memory shape of an oVirt document, shared by the XML and the JSON writer.
 *
 * It mirrors oVirt's JSON form, which is itself a mechanical image of the XML schema:
 * - `id`, `href` and `rel` (string values) are the only XML attributes;
 * - an array value is a repeated element named after its key (`link: [...]`, `network: [...]`);
 * - an object value is a child element; a scalar value is a text element;
 * - lists inside entities have a wrapper: `usages: { usage: ['vm'] }`.
 *
 * A collection is the plural root (`networks`) whose body holds the singular key
 * (`{ network: [...] }`); JSON drops the root name, XML keeps it.
 *
 * @see ../../../../shared/reference/ovirt-api.md §1.5, §1.7
 */

/** `xs:decimal`: a JSON number (not a string) and plain text in XML. */
export class Decimal {
  constructor(readonly value: number) {}
}

/** `xs:dateTime`: ISO 8601 with offset in XML, epoch milliseconds (a number) in JSON. */
export class DateTime {
  constructor(readonly value: Date) {}
}

export type DocScalar = string | number | boolean | Decimal | DateTime;
export type DocValue = DocScalar | DocObject | readonly DocValue[] | undefined;
export interface DocObject {
  readonly [key: string]: DocValue;
}

/** A whole response body: the root element name and its content. */
export interface Doc {
  readonly root: string;
  readonly body: DocObject;
}

/** The attributes of an XML element; everything else is a child element. */
export const XML_ATTRIBUTES: ReadonlySet<string> = new Set(['id', 'href', 'rel']);

/** A `<link href rel/>` entry. */
export interface Link extends DocObject {
  readonly href: string;
  readonly rel: string;
}
