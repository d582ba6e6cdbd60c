// SPDX-License-Identifier: Apache-2.0
// The web UI build (dist/renderer): what it is made from and how it is redone when stale.
// Types in web-ui-build.d.mts; TypeScript callers import build/web-ui.ts.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { viteBuildIfStale } from './stale.mjs';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the web UI is built from (relative to the root). */
export const WEB_UI_SOURCES = ['renderer', 'main/contract', 'build/vite.config.ts'];
/** The file whose age stands for the whole build. */
export const WEB_UI_OUTPUT = 'dist/renderer/index.html';

/** Runs `vite build` (with `args`) when `output` is stale. Resolves to whether it built. */
export function buildIfStale(what, output, sources, args = [], log = () => {}, root = ROOT) {
  return viteBuildIfStale(what, output, sources, args, log, root);
}

/** Builds the web UI when it is missing or stale. */
export function buildWebUiIfStale(log) {
  return buildIfStale('the web UI', WEB_UI_OUTPUT, WEB_UI_SOURCES, [], log);
}
