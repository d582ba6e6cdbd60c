// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run serve`: builds the web UI when it is missing or stale (a fresh clone has none),
 * then runs the headless engine (main/headless.ts) with the same arguments.
 */
import { buildWebUiIfStale } from './web-ui';

await buildWebUiIfStale((line) => {
  process.stderr.write(`[serve] ${line}\n`);
});
await import('../main/headless');
