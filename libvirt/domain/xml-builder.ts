// SPDX-License-Identifier: Apache-2.0
/**
 * The one escaping XML builder (cockpit-machines' `createElement`/`setAttribute` style): every
 * attribute value and text node goes through {@link escapeXml}, so a VM or bridge name full of
 * quotes, `<` or `&` can never change the document's structure. Element and attribute names
 * are checked too: they come from this code, and a typo should fail loudly.
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
// XML 1.0 forbids these characters even as character references.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * Escape a value for use as XML text or a quoted attribute.
 * @throws HostError HYPERVISOR_ERROR for characters XML cannot carry at all
 */
export function escapeXml(value: string): string {
  if (FORBIDDEN.test(value)) {
    throw new HostError(
      HostErrorCode.HYPERVISOR_ERROR,
      `value contains a control character XML cannot represent: ${JSON.stringify(value)}`,
    );
  }
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid XML name ${JSON.stringify(name)}`);
  return name;
}

/** An element under construction. */
export class XmlElement {
  readonly name: string;
  readonly #attributes: [string, string][] = [];
  readonly #children: (XmlElement | string)[] = [];

  constructor(name: string) {
    this.name = checkName(name);
  }

  /** Set an attribute (numbers are written in decimal). Returns this for chaining. */
  setAttribute(name: string, value: string | number): this {
    this.#attributes.push([checkName(name), String(value)]);
    return this;
  }

  /** Append a child element or a text node. Returns this for chaining. */
  append(...children: (XmlElement | string | number)[]): this {
    for (const c of children) this.#children.push(typeof c === 'number' ? String(c) : c);
    return this;
  }

  /** Serialize (two-space indentation, text-only elements on one line). */
  toString(indent = ''): string {
    const attrs = this.#attributes.map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
    if (this.#children.length === 0) return `${indent}<${this.name}${attrs}/>`;
    const texts = this.#children.filter((c) => typeof c === 'string');
    if (texts.length === this.#children.length) {
      return `${indent}<${this.name}${attrs}>${texts.map(escapeXml).join('')}</${this.name}>`;
    }
    const inner = this.#children
      .map((c) =>
        typeof c === 'string' ? `${indent}  ${escapeXml(c)}` : c.toString(`${indent}  `),
      )
      .join('\n');
    return `${indent}<${this.name}${attrs}>\n${inner}\n${indent}</${this.name}>`;
  }
}

/**
 * Create an element with attributes and children in one expression.
 * Attributes whose value is undefined are left out.
 */
export function createElement(
  name: string,
  attributes: Readonly<Record<string, string | number | undefined>> = {},
  ...children: (XmlElement | string | number)[]
): XmlElement {
  const el = new XmlElement(name);
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) el.setAttribute(k, v);
  return el.append(...children);
}
