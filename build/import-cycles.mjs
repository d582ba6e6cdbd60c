#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// `npm run lint` step (issue 14): no import cycles inside a layer. Every .ts/.tsx file of the
// layers is scanned with TypeScript's own pre-processor and resolver (the same resolution tsc
// uses), the import graph is built, and every strongly connected component with more than one
// file — or a file importing itself — is printed; exit status 1 when there is any.
// Type-only imports count too: a cycle of types is still two modules that cannot be understood
// one without the other.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The layers of the design (README layout); a cycle is reported when it stays inside one. */
export const LAYERS = [
  'main/contract',
  'main/engine',
  'main/api',
  'main/electron',
  'main/preload',
  'db',
  'libvirt',
  'renderer/src',
];

/**
 * Cycles known when the check came in, each with who breaks it; printed as a warning, not an
 * error, until then. A cycle that changes (a file more or less) is an error again.
 */
export const KNOWN_CYCLES = [];

function filesUnder(dir) {
  const out = [];
  const visit = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      if (p.endsWith('node_modules') || p.includes(`${join('build', 'guest')}`)) return;
      for (const e of readdirSync(p)) visit(join(p, e));
    } else if (/\.tsx?$/.test(p) && !/\.d\.ts$/.test(p)) out.push(p);
  };
  visit(dir);
  return out;
}

/** Import graph of the files under `dirs`: file → files it imports (inside the same set). */
export function importGraph(dirs, base = root) {
  const options = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    jsx: ts.JsxEmit.ReactJSX,
  };
  const files = dirs.flatMap((d) => filesUnder(join(base, d)));
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = new Set();
    for (const ref of info.importedFiles) {
      const resolved = ts.resolveModuleName(ref.fileName, file, options, ts.sys).resolvedModule;
      if (resolved && known.has(resolved.resolvedFileName)) deps.add(resolved.resolvedFileName);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components with a cycle (Tarjan), each sorted. */
export function cycles(graph) {
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? new Set()).has(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let found = 0;
  for (const layer of LAYERS) {
    for (const comp of cycles(importGraph([layer]))) {
      const files = comp.map((f) => relative(root, f));
      const known = KNOWN_CYCLES.find((k) => k.files.join('|') === files.join('|'));
      if (known) {
        console.warn(`known import cycle in ${layer} (${known.why}):\n  ${files.join('\n  ')}`);
        continue;
      }
      found++;
      console.error(`import cycle in ${layer}:\n  ${files.join('\n  ')}`);
    }
  }
  if (found > 0) {
    console.error(`${found} import cycle(s); break them (move the shared part to its own module).`);
    process.exitCode = 1;
  }
}
