// SPDX-License-Identifier: Apache-2.0
/**
 * The preload exposes exactly one object, `window.aio = { invoke, subscribe }`, over two IPC
 * channels. It never exposes `ipcRenderer` or any Node API, and it forwards only data:
 * the main process validates the sender frame and the input schema before dispatching.
 * Bundled to dist/preload/index.cjs (`vite build --config build/vite.config.ts --mode preload`)
 * because a sandboxed preload can require nothing but `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

import type { ConsoleOpName } from '../contract/console';
import type { Envelope } from '../contract/errors';
import type { EngineEvent } from '../contract/events';
import type { OpInput, OpName, OpOutput } from '../contract/operations';
import {
  GRAPHICS_URL_ARG,
  GRAPHICS_URL_PATTERN,
  IPC_EVENT,
  IPC_INVOKE,
  OP_NAME_PATTERN,
} from './channels';

/** Console session operations (contract/console.ts), handled by main/electron/ipc.ts. */
export type { ConsoleOpName };

/**
 * What the renderer sees as `window.aio`, typed by the contract (types only: nothing of the
 * contract is bundled here; main/electron/ipc.ts parses every input with the contract's zod).
 */
export interface AioBridge {
  /** Runs a contract operation; resolves with its envelope `{ ok, result | error }`. */
  invoke<K extends OpName>(op: K, input: OpInput<K>): Promise<Envelope<OpOutput<K>>>;
  invoke(op: ConsoleOpName, input: Record<string, unknown>): Promise<Envelope<unknown>>;
  /** `engine` delivers {@link EngineEvent}s; `console.data`/`console.exit` console output. */
  subscribe(event: 'engine', listener: (payload: EngineEvent) => void): () => void;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  /**
   * Base URL of the screen's WebSocket (`ws://127.0.0.1:<port>/ovirt-engine/services/graphics/`,
   * append a one-time ticket), or null when the main process serves none.
   */
  readonly graphicsUrl: string | null;
}

/** The graphics URL main/electron/app.ts passed as a process argument, if well-formed. */
function graphicsUrlFromArgs(argv: readonly string[]): string | null {
  const arg = argv.find((a) => a.startsWith(GRAPHICS_URL_ARG));
  const value = arg?.slice(GRAPHICS_URL_ARG.length) ?? '';
  return GRAPHICS_URL_PATTERN.test(value) ? value : null;
}

const bridge = {
  graphicsUrl: graphicsUrlFromArgs(process.argv),
  invoke(op: string, input: unknown): Promise<unknown> {
    if (typeof op !== 'string' || !OP_NAME_PATTERN.test(op)) {
      return Promise.reject(new Error('invalid operation name'));
    }
    return ipcRenderer.invoke(IPC_INVOKE, op, input) as Promise<unknown>;
  },
  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    // The IPC event object (with `sender`) never reaches the page: only the payload does.
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('aio', bridge);
