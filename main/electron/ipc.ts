// SPDX-License-Identifier: Apache-2.0
/**
 * One generic IPC handler for the whole contract (no hand-written per-method handlers):
 * check the sender frame, check the operation exists and its input parses, then dispatch to
 * the engine and return its envelope. Engine events are pushed to every window; console
 * sessions (xterm.js ⇄ the VM's serial console) are kept per window and closed with it.
 */
import { randomUUID } from 'node:crypto';

import { ipcMain, type IpcMainInvokeEvent, type WebContents, webContents } from 'electron';

import type { Envelope, ErrorBody } from '../contract/errors';
import { isOpName, type OpName } from '../contract/operations';
import { IPC_EVENT, IPC_INVOKE, OP_NAME_PATTERN } from '../preload/channels';
import { checkInput } from './input-check';
import { isSameDocument } from './policy';

/** The part of the engine's console session the shell uses. */
export interface IpcConsole {
  write(data: string): void;
  onData(listener: (data: string) => void): () => void;
  onExit(listener: (exitCode: number) => void): () => void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** What the shell needs from the engine (main/engine/dispatch.ts), already bound to a principal. */
export interface IpcEngine {
  invoke(op: OpName, input: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: unknown) => void): () => void;
  openVmConsole(vmId: string): Promise<IpcConsole>;
}

function fault(code: string, category: ErrorBody['category'], message: string): Envelope<never> {
  return { ok: false, error: { code, category, reason: 'Operation Failed', messages: [message] } };
}

/** Console operations handled by the shell itself (mirrors renderer/src/client/ipc-transport.ts). */
const CONSOLE = {
  open: 'console.open',
  write: 'console.write',
  resize: 'console.resize',
  close: 'console.close',
  data: 'console.data',
  exit: 'console.exit',
} as const;

interface Session {
  readonly owner: number;
  readonly console: IpcConsole;
  readonly off: () => void;
}

/**
 * Registers the handler. Only the main frame of a window showing `appUrl()` may call it.
 * Returns a function that removes the handler and closes every console.
 */
export function registerIpc(engine: IpcEngine, appUrl: () => string): () => void {
  const sessions = new Map<string, Session>();

  const send = (target: WebContents, name: string, payload: unknown): void => {
    if (!target.isDestroyed()) target.send(IPC_EVENT, name, payload);
  };

  const closeSession = (id: string): void => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    s.off();
    s.console.close();
  };

  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return (
      frame !== null && frame === event.sender.mainFrame && isSameDocument(frame.url, appUrl())
    );
  };

  const consoleOp = async (
    event: IpcMainInvokeEvent,
    op: string,
    input: unknown,
  ): Promise<Envelope<unknown>> => {
    const args = (typeof input === 'object' && input !== null ? input : {}) as Record<
      string,
      unknown
    >;
    if (op === CONSOLE.open) {
      if (typeof args.vmId !== 'string')
        return fault('BAD_INPUT', 'BAD_PARAMETERS', 'vmId is required.');
      const console = await engine.openVmConsole(args.vmId);
      const id = randomUUID();
      const owner = event.sender;
      const offData = console.onData((data) => {
        send(owner, CONSOLE.data, { sessionId: id, data });
      });
      const offExit = console.onExit(() => {
        send(owner, CONSOLE.exit, { sessionId: id, reason: 'The VM console closed.' });
        closeSession(id);
      });
      sessions.set(id, {
        owner: owner.id,
        console,
        off: () => {
          offData();
          offExit();
        },
      });
      owner.once('destroyed', () => {
        closeSession(id);
      });
      return { ok: true, result: { sessionId: id } };
    }
    const s = typeof args.sessionId === 'string' ? sessions.get(args.sessionId) : undefined;
    if (!s || s.owner !== event.sender.id) {
      return fault('CONSOLE_NOT_FOUND', 'NOT_FOUND', 'This console session is closed.');
    }
    if (op === CONSOLE.write && typeof args.data === 'string') s.console.write(args.data);
    else if (
      op === CONSOLE.resize &&
      typeof args.cols === 'number' &&
      typeof args.rows === 'number'
    ) {
      s.console.resize(args.cols, args.rows);
    } else if (op === CONSOLE.close) closeSession(args.sessionId as string);
    else return fault('BAD_INPUT', 'BAD_PARAMETERS', `Bad input for ${op}.`);
    return { ok: true, result: null };
  };

  ipcMain.handle(
    IPC_INVOKE,
    async (event, op: unknown, input: unknown): Promise<Envelope<unknown>> => {
      if (!trusted(event)) {
        return fault('UNTRUSTED_SENDER', 'NO_PERMISSION', 'This frame may not call the engine.');
      }
      if (typeof op !== 'string' || !OP_NAME_PATTERN.test(op)) {
        return fault('UNKNOWN_OPERATION', 'BAD_PARAMETERS', 'Unknown operation.');
      }
      try {
        if (op.startsWith('console.')) return await consoleOp(event, op, input);
        if (!isOpName(op)) {
          return fault('UNKNOWN_OPERATION', 'BAD_PARAMETERS', `Unknown operation ${op}.`);
        }
        const invalid = checkInput(op, input);
        if (invalid) return { ok: false, error: invalid };
        return await engine.invoke(op, input);
      } catch (e) {
        return fault(
          'INTERNAL_ERROR',
          'INTERNAL_ERROR',
          e instanceof Error ? e.message : String(e),
        );
      }
    },
  );

  const offEvents = engine.subscribe((event) => {
    for (const wc of webContents.getAllWebContents()) send(wc, 'engine', event);
  });

  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    offEvents();
    for (const id of [...sessions.keys()]) closeSession(id);
  };
}
