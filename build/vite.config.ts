// SPDX-License-Identifier: Apache-2.0
// Two builds from one config, chosen by `--mode`:
//  - default: the renderer (React + PatternFly) into dist/renderer, with relative asset paths so
//    the same files load from file:// in Electron and from `/` on the headless engine;
//  - `--mode preload`: main/preload/index.ts as one CommonJS file in dist/preload, because a
//    sandboxed preload can `require` nothing but `electron` (no relative imports at run time).
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `vite` (dev server) only: React's refresh preamble is an inline script and HMR talks over a
 * WebSocket, both refused by the production CSP; relax exactly those two directives in dev.
 * Builds keep the strict policy byte for byte.
 */
const devCsp: Plugin = {
  name: 'aio-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html
      .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
      .replace("connect-src 'self'", "connect-src 'self' ws: wss:"),
};

/** Where the dev server forwards /rpc and /ovirt-engine (a running `npm run serve`). */
const engine = process.env.AIO_ENGINE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'preload') {
    return {
      root,
      build: {
        outDir: 'dist/preload',
        emptyOutDir: true,
        minify: false,
        lib: {
          entry: 'main/preload/index.ts',
          formats: ['cjs'],
          fileName: () => 'index.cjs',
        },
        rolldownOptions: { external: ['electron'] },
      },
    };
  }
  return {
    root: `${root}renderer`,
    base: './',
    plugins: [react(), devCsp],
    build: {
      outDir: `${root}dist/renderer`,
      emptyOutDir: true,
      // PatternFly's CSS is large; the warning is noise for a desktop app served locally.
      chunkSizeWarningLimit: 4096,
    },
    server: {
      port: 5173,
      strictPort: true,
      proxy: { '/rpc': engine, '/ovirt-engine': engine },
    },
  };
});
