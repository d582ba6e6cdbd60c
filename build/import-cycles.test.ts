// SPDX-License-Identifier: Apache-2.0
// The import-cycle check of `npm run lint` (issue 14): finds a cycle through type imports and
// re-exports with TypeScript's resolver, and none in a tree without one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { cycles, importGraph } from './import-cycles.mjs';

const dir = mkdtempSync(join(tmpdir(), 'aio-cycles-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (rel: string, text: string): void => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

describe('import cycles', () => {
  it('finds dispatch → engine → runner → (type) dispatch, and a re-export cycle', () => {
    write('a/dispatch.ts', "import { start } from './engine';\nexport type Opts = 1;\n");
    write('a/engine.ts', "import { Runner } from './runner';\nexport const start = 1;\n");
    write('a/runner.ts', "import type { Opts } from './dispatch';\nexport class Runner {}\n");
    write('a/leaf.ts', "import { start } from './engine';\n");
    write('b/iface.ts', "export { f } from './impl';\nexport interface T { x: 1 }\n");
    write('b/impl.ts', "import type { T } from './iface';\nexport const f = 1;\n");
    const found = cycles(importGraph(['a', 'b'], dir)).map((c) =>
      c.map((f: string) => f.slice(dir.length + 1)),
    );
    expect(found).toContainEqual(['a/dispatch.ts', 'a/engine.ts', 'a/runner.ts']);
    expect(found).toContainEqual(['b/iface.ts', 'b/impl.ts']);
    expect(found).toHaveLength(2);
  });

  it('finds none once the shared types have their own module', () => {
    write('c/types.ts', 'export type Opts = 1;\n');
    write(
      'c/dispatch.ts',
      "import { start } from './engine';\nexport type { Opts } from './types';\n",
    );
    write('c/engine.ts', "import { Runner } from './runner';\nexport const start = 1;\n");
    write('c/runner.ts', "import type { Opts } from './types';\nexport class Runner {}\n");
    expect(cycles(importGraph(['c'], dir))).toEqual([]);
  });
});
