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
import v8 from 'node:v8';
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
let cacheWanted = cachedData === undefined || script.cachedDataRejected === true;
// V8 has consumed the cache; the 1 MiB buffer would otherwise stay resident for good.
cachedData = undefined;
/** Write the code cache once, if this run needs one (at exit, or before the idle GC below). */
function writeCache() {
  if (!cacheWanted) return;
  cacheWanted = false;
  try {
    const tmp = `${CACHE}.${process.pid}`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, CACHE);
  } catch {
    // No cache next time either; the engine runs the same.
  }
}
if (cacheWanted) process.once('exit', writeCache);
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));

// Idle memory (issue 14: idle RSS): loading the bundle and the start-up work leave garbage and
// a grown young generation that V8's own memory reducer would only collect seconds later. Once
// the engine first stays idle after starting (the event loop less than 5 % busy for a whole
// second: start-up has idle gaps while it waits for libvirt and iproute2), one full
// collection returns that memory (measured: 5–8 MiB of ~96). One collection of a
// small heap at idle, never again: no steady-state cost. `gc` comes from a fresh context, so the
// engine's own global scope gets no `gc`.
const IDLE_GC_POLL_MS = 200;
const IDLE_GC_QUIET_POLLS = 5;
const IDLE_GC_GIVE_UP_MS = 30_000;
const startedAt = performance.now();
let previous = performance.eventLoopUtilization();
let quiet = 0;
const idleGc = setInterval(() => {
  const now = performance.eventLoopUtilization();
  const busy = performance.eventLoopUtilization(now, previous).utilization;
  previous = now;
  quiet = busy > 0.05 ? 0 : quiet + 1;
  const waited = performance.now() - startedAt;
  if (quiet < IDLE_GC_QUIET_POLLS && waited < IDLE_GC_GIVE_UP_MS) return;
  clearInterval(idleGc);
  if (waited >= IDLE_GC_GIVE_UP_MS) return;
  // V8 stamps a code cache with the flags in force: write it before changing one, or every
  // later start would refuse it.
  writeCache();
  try {
    v8.setFlagsFromString('--expose-gc');
    /** @type {() => void} */ (vm.runInNewContext('gc'))();
  } catch {
    // Not essential: V8's memory reducer gets there later.
  }
}, IDLE_GC_POLL_MS);
idleGc.unref();
