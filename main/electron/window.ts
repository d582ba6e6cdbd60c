// SPDX-License-Identifier: Apache-2.0
/**
 * The main window: sandboxed renderer with context isolation and no Node, shown when ready,
 * its size and position remembered across starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { app, BrowserWindow, screen } from 'electron';

import { fitToDisplays, parseWindowState, type WindowState } from './window-state';

function stateFile(): string {
  return join(app.getPath('userData'), 'window-state.json');
}

function loadState(): WindowState | null {
  try {
    return parseWindowState(readFileSync(stateFile(), 'utf8'));
  } catch {
    return null;
  }
}

function saveState(win: BrowserWindow): void {
  const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
  try {
    writeFileSync(stateFile(), JSON.stringify(state));
  } catch {
    // A read-only profile must not stop the app from closing.
  }
}

export interface MainWindowOptions {
  /** Absolute path of the bundled preload (dist/preload/index.cjs). */
  readonly preload: string;
  /** What to load: the built renderer (file) or a dev-server URL. */
  readonly load: { readonly file: string } | { readonly url: string };
  /** Process arguments for the preload (e.g. the screen's WebSocket URL). */
  readonly additionalArguments?: readonly string[];
}

/** Creates and shows the main window. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const state = fitToDisplays(
    loadState(),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'AIO Lab',
    backgroundColor: '#151515',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      ...(options.additionalArguments
        ? { additionalArguments: [...options.additionalArguments] }
        : {}),
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => {
    win.show();
  });
  win.on('close', () => {
    saveState(win);
  });
  if ('file' in options.load) void win.loadFile(options.load.file);
  else void win.loadURL(options.load.url);
  return win;
}
