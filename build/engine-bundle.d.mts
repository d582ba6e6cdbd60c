// SPDX-License-Identifier: Apache-2.0
/** A bundle entry: its TypeScript source and its output, relative to the repository root. */
export interface EngineEntry {
  readonly source: string;
  readonly output: string;
}
/** Where the bundles go (relative to the root). */
export const ENGINE_OUT_DIR: string;
/** The headless server and the Electron main. */
export const ENGINE_ENTRIES: { readonly headless: EngineEntry; readonly electron: EngineEntry };
/** Everything the engine is built from (relative to the root). */
export const ENGINE_SOURCES: readonly string[];
/** Packages that stay imports of node_modules (native addons, Electron). */
export const ENGINE_EXTERNALS: readonly string[];
/** A migrated empty engine.db (relative to the root) that new data dirs start from. */
export const FRESH_DATABASE: string;
/** sha256 of each migration file (`*.sql`, `meta/_journal.json`) in `dir`, by name. */
export function migrationDigests(dir: string): Record<string, string>;
/** Bundles both entries with esbuild. @throws when the build fails */
export function buildEngine(root?: string): Promise<void>;
/**
 * Builds the engine bundles when any is missing or older than its sources; resolves to
 * whether it built. @throws when the build fails
 */
export function buildEngineIfStale(log?: (line: string) => void, root?: string): Promise<boolean>;
/** The file URL of a bundle entry, for `import()`. */
export function engineEntryUrl(entry: 'headless' | 'electron', root?: string): string;
/** The file path of a bundle entry, for `node <path>`. */
export function engineEntryPath(entry: 'headless' | 'electron', root?: string): string;
