// SPDX-License-Identifier: Apache-2.0
/**
 * The web UI build (dist/renderer) and when it must be redone: missing, or older than any of
 * its sources. One copy of the rule for `npm start`, `npm run serve` and the browser tests, so
 * none of them serves yesterday's UI — or, on a fresh clone, a page saying the UI is not built.
 * The rule itself lives in build/web-ui-build.mjs (plain JavaScript, so `npm run serve` needs no
 * TypeScript compiler); this module gives it to TypeScript callers.
 */
export { isStale, newestMtime } from './stale.mjs';
export {
  buildIfStale,
  buildWebUiIfStale,
  ROOT,
  WEB_UI_OUTPUT,
  WEB_UI_SOURCES,
} from './web-ui-build.mjs';
