// SPDX-License-Identifier: Apache-2.0
// `npm run serve`: builds the web UI and the engine bundle when missing or stale (a fresh
// clone has neither), then runs the headless engine (main/headless.ts, bundled as
// dist/engine/headless.mjs) in this process with the same arguments. Plain JavaScript, so no
// TypeScript compiler is loaded on the way to the engine's first answer.
import { buildEngineIfStale, engineEntryUrl } from './engine-bundle.mjs';
import { buildWebUiIfStale } from './web-ui-build.mjs';

const say = (line) => {
  process.stderr.write(`[serve] ${line}\n`);
};
await buildWebUiIfStale(say);
await buildEngineIfStale(say);
await import(engineEntryUrl('headless'));
