// SPDX-License-Identifier: Apache-2.0
// Runs the headless engine bundle (dist/engine/headless.cjs, built by engine-bundle.mjs) with a
// V8 code cache (issue 14: cold start). Node 20 keeps none for ES modules and has no
// `module.enableCompileCache` (Node 22), so the CommonJS bundle is compiled here through
// `vm.Script` with `cachedData` from `<bundle>.cache`: V8 then skips most of the parsing and
// compiling of 1.5 MB of JavaScript (~35 ms CPU here). When there is no cache, or V8 refuses it
// (another Node version or V8 flags: V8 checks the source and the flags itself), a new one is
// written when the process exits, holding everything compiled during the run. Writing is best
// effort (a read-only install simply runs without).
//
// `npm run serve`, `npm start` and the bench run this file (engineEntryPath('headless')), with
// the engine's own arguments.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// The bundle's import() of lazily loaded ES packages (the libvirt binding, node-pty) calls this
// (engine-bundle.mjs rewrites them): code compiled by vm.Script, and above all code restored
// from a code cache, has no dynamic-import callback of its own in Node 20.
/** @param {string} specifier */
globalThis.__aioDynamicImport = (specifier) => import(specifier);

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist/engine/headless.cjs');
const CACHE = `${BUNDLE}.cache`;

/** @type {Buffer | undefined} */
let cachedData;
try {
  cachedData = readFileSync(CACHE);
} catch {
  cachedData = undefined;
}
// Node's own CommonJS wrapper, on the first line so that stack traces keep their line numbers.
const script = new vm.Script(
  `(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`,
  {
    filename: BUNDLE,
    cachedData,
  },
);
if (cachedData === undefined || script.cachedDataRejected === true) {
  process.once('exit', () => {
    try {
      const tmp = `${CACHE}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, CACHE);
    } catch {
      // No cache next time either; the engine runs the same.
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
