// SPDX-License-Identifier: Apache-2.0
/**
 * Nesting limits for request bodies, checked on the raw text before any parser or normaliser
 * recurses into it: a body nested thousands of levels deep would otherwise overflow the stack
 * (a 500) instead of getting the syntax fault every other malformed body gets. oVirt's
 * documents are at most about ten levels deep, so the limit is far from anything real.
 */

/** Deepest element/object nesting a request body may have. */
export const MAX_BODY_DEPTH = 64;

/**
 * Deepest `{`/`[` nesting of a JSON text (brackets inside strings do not count), stopping as
 * soon as it passes `limit`. A linear scan: no recursion, no allocation.
 */
export function jsonDepth(text: string, limit = MAX_BODY_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/**
 * Deepest element nesting of an XML text, stopping as soon as it passes `limit`. Comments,
 * CDATA, processing instructions and declarations are skipped; quoted attribute values may
 * hold `>`. Malformed XML only needs a plausible count: the parser rejects it afterwards.
 */
export function xmlDepth(text: string, limit = MAX_BODY_DEPTH): number {
  let depth = 0;
  let max = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<', i);
    if (open < 0) break;
    const next = text[open + 1];
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', open)) {
      const end = text.indexOf(']]>', open + 9);
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    // Find the tag's end, skipping quoted attribute values.
    let j = open + 1;
    let quote = '';
    while (j < text.length) {
      const c = text[j];
      if (quote !== '') {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
      j++;
    }
    if (next === '/') depth--;
    else if (next !== '?' && next !== '!' && text[j - 1] !== '/') {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    }
    i = j + 1;
  }
  return max;
}
