// SPDX-License-Identifier: Apache-2.0
/**
 * Hrefs, sub-collection links and action links, as oVirt's `LinkHelper` writes them.
 * Mappers omit empty descriptions and comments, as oVirt omits unset fields.
 */
import type { DocObject, Link } from '../doc';

/** `<link href=".../vnicprofiles" rel="vnicprofiles"/>` for each sub-collection. */
export function subLinks(href: string, rels: readonly string[]): Link[] {
  return rels.map((rel) => ({ href: `${href}/${rel}`, rel }));
}

/** `<actions><link href=".../start" rel="start"/>…</actions>` (libgovirt needs these). */
export function actionLinks(href: string, names: readonly string[]): DocObject {
  return { link: subLinks(href, names) };
}

/** A reference element: `<data_center href="…" id="…"/>`. */
export function refTo(base: string, collection: string, id: string): DocObject {
  return { href: `${base}/${collection}/${id}`, id };
}
