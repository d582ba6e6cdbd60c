// SPDX-License-Identifier: Apache-2.0
// Electron's main script (package.json `main`). Runs the prebuilt bundle of main/electron/app.ts
// (dist/engine/electron-main.mjs, built by build/launch.ts before Electron starts) when it is
// current; otherwise — a checkout where nobody built it, or sources edited since — it compiles
// the TypeScript entry on the fly through tsx, as before the bundle existed, rather than run
// yesterday's engine.
import { ENGINE_ENTRIES, ENGINE_SOURCES, engineEntryUrl } from './engine-bundle.mjs';
import { isStale } from './stale.mjs';
import { ROOT } from './web-ui-build.mjs';

if (!isStale(ROOT, ENGINE_ENTRIES.electron.output, ENGINE_SOURCES)) {
  await import(engineEntryUrl('electron'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/electron/app.ts');
}
