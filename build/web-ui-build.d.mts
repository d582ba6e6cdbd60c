// SPDX-License-Identifier: Apache-2.0
/** Repository root. */
export const ROOT: string;
/** What the web UI is built from (relative to the root). */
export const WEB_UI_SOURCES: readonly string[];
/** The file whose age stands for the whole build. */
export const WEB_UI_OUTPUT: string;
/**
 * Runs `vite build` (with `args`) when `output` is stale. Resolves to whether it built.
 * @throws when the build fails
 */
export function buildIfStale(
  what: string,
  output: string,
  sources: readonly string[],
  args?: readonly string[],
  log?: (line: string) => void,
  root?: string,
): Promise<boolean>;
/** Builds the web UI when it is missing or stale. @throws when the build fails */
export function buildWebUiIfStale(log?: (line: string) => void): Promise<boolean>;
