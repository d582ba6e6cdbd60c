// SPDX-License-Identifier: Apache-2.0
// The engine as a prebuilt bundle (issue 14): `npm run serve`, `npm start` and the bench run
// dist/engine/*.mjs instead of compiling TypeScript at every start through tsx, which cost
// about 1 s of a 1.3 s cold start. Built with esbuild when missing or older than its sources,
// like the web UI. Native modules (better-sqlite3, node-pty, the libvirt binding) and Electron
// stay outside the bundle: they load from node_modules as compiled.
// Types in engine-bundle.d.mts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { isStale } from './stale.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the bundles go (relative to the root). */
export const ENGINE_OUT_DIR = 'dist/engine';

/** The two entries: the headless server and the Electron main. */
export const ENGINE_ENTRIES = {
  headless: { source: 'main/headless.ts', output: `${ENGINE_OUT_DIR}/headless.mjs` },
  electron: { source: 'main/electron/app.ts', output: `${ENGINE_OUT_DIR}/electron-main.mjs` },
};

/** Everything the engine is built from: a change to any of these makes the bundles stale. */
export const ENGINE_SOURCES = [
  'main',
  'db',
  'libvirt',
  'package-lock.json',
  'build/engine-bundle.mjs',
];

/**
 * An empty engine database with every migration applied, built with the bundle: a new data
 * dir starts from a copy of it instead of running the migrations (40–80 ms of DDL and fsync on
 * the way to the first answer). Beside it `<file>.json` lists the digest of every migration file
 * it was built from; the engine copies it only when they match its own migrations
 * (main/engine/fresh-database.ts computes them the same way).
 */
export const FRESH_DATABASE = `${ENGINE_OUT_DIR}/fresh-engine.db`;

/**
 * sha256 of each migration file (`*.sql` and `meta/_journal.json`), by name.
 * @param {string} dir the migrations folder
 * @returns {Record<string, string>}
 */
export function migrationDigests(dir) {
  const names = [
    ...readdirSync(dir).filter((n) => n.endsWith('.sql')),
    ...(existsSync(join(dir, 'meta/_journal.json')) ? ['meta/_journal.json'] : []),
  ].sort();
  return Object.fromEntries(
    names.map((n) => [
      n,
      createHash('sha256')
        .update(readFileSync(join(dir, n)))
        .digest('hex'),
    ]),
  );
}

/**
 * Builds {@link FRESH_DATABASE} from db/migrations (drizzle's migrator, as the engine runs it).
 * @param {string} root
 * @returns {Promise<void>}
 */
async function buildFreshDatabase(root) {
  const out = join(root, FRESH_DATABASE);
  const tmp = `${out}.tmp`;
  const migrations = join(root, 'db/migrations');
  rmSync(out, { force: true });
  rmSync(`${out}.json`, { force: true });
  rmSync(tmp, { force: true });
  const { default: Sqlite } = await import('better-sqlite3');
  const { drizzle } = await import('drizzle-orm/better-sqlite3');
  const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
  const client = new Sqlite(tmp);
  try {
    migrate(drizzle(client), { migrationsFolder: migrations });
  } finally {
    client.close();
  }
  writeFileSync(`${out}.json`, `${JSON.stringify({ digests: migrationDigests(migrations) })}\n`);
  renameSync(tmp, out);
}

/** Packages that stay `import`s of node_modules: native addons and Electron itself. */
export const ENGINE_EXTERNALS = ['better-sqlite3', 'node-pty', '@unraid/libvirt', 'electron'];

/**
 * Code that reads `import.meta.url` (db/client.ts finds its migrations, compose.ts the web UI
 * build) means its own source file. Inside a bundle the URL would be the bundle's, so each such
 * source gets the URL of its original file, computed relative to wherever the bundle runs from
 * (the repository may be moved or copied after building).
 */
const sourceUrlPlugin = (outDir, base = 'import.meta.url') => ({
  name: 'aio-source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(outDir, args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(rel)}, ${base}).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
});

/**
 * The headless engine once more as CommonJS, for build/engine-loader.mjs: Node 20 keeps no
 * code cache for ES modules, but a CommonJS function compiled through `vm.Script` can use one
 * (V8's `cachedData`), which saves most of the bundle's compile time at every start.
 */
export const HEADLESS_CJS = `${ENGINE_OUT_DIR}/headless.cjs`;
/** The loader that runs {@link HEADLESS_CJS} with its code cache (`<bundle>.cache`). */
const HEADLESS_LOADER = 'build/engine-loader.mjs';

/**
 * Bundles the entries with esbuild (loaded only here: a fresh bundle needs no esbuild): both as
 * ES modules, the headless one also as CommonJS ({@link HEADLESS_CJS}).
 * @param {string} root repository root
 * @returns {Promise<void>}
 */
export async function buildEngine(root = ROOT) {
  const esbuild = await import('esbuild');
  const outDir = join(root, ENGINE_OUT_DIR);
  rmSync(join(root, `${HEADLESS_CJS}.cache`), { force: true });
  const cjs = esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, ENGINE_ENTRIES.headless.source)],
    outfile: join(root, HEADLESS_CJS),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ENGINE_EXTERNALS,
    sourcemap: 'linked',
    // Our sources' import.meta.url: their own file, relative to the bundle (see above);
    // a bundled package's: the bundle's URL.
    define: { 'import.meta.url': '__aioBundleUrl' },
    banner: {
      js: "const __aioBundleUrl = require('node:url').pathToFileURL(__filename).href; const __aioImport = globalThis.__aioDynamicImport ?? ((s) => import(s));",
    },
    plugins: [sourceUrlPlugin(outDir, '__aioBundleUrl')],
    logLevel: 'warning',
  });
  const esm = esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(
      Object.entries(ENGINE_ENTRIES).map(([, e]) => [
        e.output.slice(ENGINE_OUT_DIR.length + 1).replace(/\.mjs$/, ''),
        join(root, e.source),
      ]),
    ),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // One chunk shared by both entries would save disk, not start-up time; keep them separate.
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ENGINE_EXTERNALS,
    sourcemap: 'linked',
    // Bundled CommonJS packages may still call require() for Node builtins.
    banner: {
      js: "import { createRequire as __aioCreateRequire } from 'node:module'; const require = __aioCreateRequire(import.meta.url);",
    },
    plugins: [sourceUrlPlugin(outDir)],
    logLevel: 'warning',
  });
  await Promise.all([cjs, esm]);
  // The loader compiles the CommonJS bundle through vm.Script, whose import() would need
  // Node's (experimental) dynamic-import callback, which functions restored from the code
  // cache lose ("A dynamic import callback was not specified"): the bundle's import() of the
  // lazily loaded packages goes through the loader's own import() instead (same line count,
  // so the source map still fits).
  const cjsFile = join(root, HEADLESS_CJS);
  const text = readFileSync(cjsFile, 'utf8');
  writeFileSync(cjsFile, text.replace(/\bimport\((["'][^"']+["'])\)/g, '__aioImport($1)'));
  await buildFreshDatabase(root);
}

/**
 * Builds the engine bundles when any is missing or older than its sources. Resolves to whether
 * it built.
 * @param {(line: string) => void} [log]
 * @param {string} [root]
 * @returns {Promise<boolean>}
 * @throws when the build fails
 */
export async function buildEngineIfStale(log = () => {}, root = ROOT) {
  const stale =
    Object.values(ENGINE_ENTRIES).some((e) => isStale(root, e.output, ENGINE_SOURCES)) ||
    isStale(root, HEADLESS_CJS, ENGINE_SOURCES) ||
    !existsSync(join(root, FRESH_DATABASE));
  if (!stale) return false;
  const started = Date.now();
  log(`building the engine bundle (${ENGINE_OUT_DIR} is missing or older than its sources)`);
  await buildEngine(root);
  log(`engine bundle built in ${Date.now() - started} ms`);
  return true;
}

/**
 * The file URL of a bundle entry, for `import()`.
 * @param {'headless' | 'electron'} entry
 * @param {string} [root]
 * @returns {string}
 */
export function engineEntryUrl(entry, root = ROOT) {
  return pathToFileURL(engineEntryPath(entry, root)).href;
}

/**
 * The file path of a bundle entry, for spawning `node <path>`.
 * @param {'headless' | 'electron'} entry
 * @param {string} [root]
 * @returns {string}
 */
export function engineEntryPath(entry, root = ROOT) {
  // The headless engine runs through its code-cache loader when the CommonJS bundle is there.
  if (entry === 'headless' && existsSync(join(root, HEADLESS_CJS)))
    return join(root, HEADLESS_LOADER);
  return join(root, ENGINE_ENTRIES[entry].output);
}

// `node build/engine-bundle.mjs` builds unconditionally (`--if-stale`: only when stale).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const say = (line) => process.stderr.write(`[engine-bundle] ${line}\n`);
  (ifStale ? buildEngineIfStale(say) : buildEngine().then(() => say('built'))).catch((error) => {
    say(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
