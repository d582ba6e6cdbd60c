// SPDX-License-Identifier: Apache-2.0
/**
 * Electron main — the desktop composition root: one instance per user, the engine in this
 * process (it never imports Electron; the shell reaches it only through engine/dispatch.ts
 * and the IPC handler), one hardened window showing the same renderer as the browser UI.
 *
 * Started by build/launch.ts as `electron <repo>` with `NODE_OPTIONS=--import=tsx` and
 * AIO_DATA_DIR; the preload bundle (dist/preload/index.cjs) and the renderer build
 * (dist/renderer) must exist (`npm run build:renderer`, and `--mode preload`).
 * AIO_RENDERER_URL loads a Vite dev server instead (development only).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { app, type BrowserWindow, dialog } from 'electron';

import { connectRemoteHostAgent } from '../../libvirt/agent-server/client';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { startGraphicsLoopback } from '../api/graphics/loopback-server';
import { engineGraphicsTickets } from '../api/graphics/ws-proxy';
import type { Principal } from '../contract/common';
import { createEngine, type StartedEngine } from '../engine/dispatch';
import { GRAPHICS_URL_ARG } from '../preload/channels';
import { type IpcConsole, registerIpc } from './ipc';
import { enableSandboxEarly, installSecurity, serveAppPage } from './security';
import { createMainWindow } from './window';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const rendererFile = join(root, 'dist', 'renderer', 'index.html');
const preloadFile = join(root, 'dist', 'preload', 'index.cjs');
const devUrl = process.env.AIO_RENDERER_URL;
const appUrl = (): string => devUrl ?? pathToFileURL(rendererFile).href;
const dataDir = resolve(process.env.AIO_DATA_DIR ?? join(homedir(), '.local', 'share', 'aio-lab'));

/**
 * The desktop user acts as admin@internal, like the headless login but without a password
 * prompt: they already own the engine's data directory. The stored (or given) password is
 * checked anyway, so the audit log names a real principal.
 */
async function desktopPrincipal(engine: StartedEngine): Promise<Principal> {
  const file = join(dataDir, 'admin-password');
  if (engine.initialAdminPassword !== null) {
    writeFileSync(file, `${engine.initialAdminPassword}\n`, { mode: 0o600 });
  }
  const password =
    process.env.AIO_ADMIN_PASSWORD ??
    (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  const principal =
    password === undefined ? null : await engine.authenticate('admin@internal', password);
  if (principal === null) {
    throw new Error(
      `cannot log in as admin@internal: set AIO_ADMIN_PASSWORD or write the password to ${file}`,
    );
  }
  return principal;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    // Another instance owns the engine and its database; it will show its window.
    app.quit();
    return;
  }
  let win: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  enableSandboxEarly();
  await app.whenReady();

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const hostAgent = createLocalHostAgent({ stateDir: join(dataDir, 'host') });
  const password = process.env.AIO_ADMIN_PASSWORD;
  // Issue 17: remote hosts, as main/compose.ts has them (enrollment only where asked for).
  const hostsListen = process.env.AIO_HOSTS_LISTEN;
  const engine = await createEngine({
    dataDir,
    hostAgent,
    ...(password ? { adminPassword: password } : {}),
    ...(hostsListen ? { hostEnrollmentListen: hostsListen } : {}),
    connectRemoteHost: connectRemoteHostAgent,
  });
  const principal = await desktopPrincipal(engine);
  // The window has no HTTP server: the screen's WebSocket (and only it) is served on a loopback
  // port, started before the window so its exact origin is in the page's CSP from the start.
  const graphics = await startGraphicsLoopback(engineGraphicsTickets(engine), appUrl);
  installSecurity(appUrl, graphics.origin);
  if (!devUrl) serveAppPage(rendererFile, graphics.origin);
  const unregister = registerIpc(
    {
      invoke: (op, input) => engine.invoke(principal, op, input as never),
      subscribe: (listener) => engine.subscribe(listener),
      openVmConsole: async (vmId): Promise<IpcConsole> => engine.openVmConsole(principal, vmId),
    },
    appUrl,
  );

  win = createMainWindow({
    preload: preloadFile,
    load: devUrl ? { url: devUrl } : { file: rendererFile },
    additionalArguments: [`${GRAPHICS_URL_ARG}${graphics.url}`],
  });
  win.on('closed', () => {
    win = null;
  });

  let quitting = false;
  app.on('window-all-closed', () => {
    app.quit();
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Close the engine (running commands, database) and the host agent before exiting.
    event.preventDefault();
    quitting = true;
    unregister();
    void graphics
      .close()
      .then(() => engine.close())
      .then(() => hostAgent.close())
      .finally(() => {
        app.exit(0);
      });
  });
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[electron] ${message}`);
  if (app.isReady()) dialog.showErrorBox('AIO Lab cannot start', message);
  app.exit(1);
});
