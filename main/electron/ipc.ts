// SPDX-License-Identifier: Apache-2.0
/**
 * One generic IPC handler for the whole contract (no hand-written per-method handlers):
 * check the sender frame, check the operation exists and its input parses, then dispatch to
 * the engine and return its envelope. Engine events are pushed to every window; console
 * sessions (xterm.js ⇄ the VM's serial console) are kept per window and closed with it.
 */
import { randomUUID } from 'node:crypto';

import { ipcMain, type IpcMainInvokeEvent, type WebContents, webContents } from 'electron';

import { consoleEvents, consoleInputs, consoleOps } from '../contract/console';
import { type Envelope, errorEnvelope } from '../contract/errors';
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

const fault = errorEnvelope;

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

  // Console operations are the contract's (contract/console.ts); the shell keeps the sessions.
  const consoleOp = async (
    event: IpcMainInvokeEvent,
    op: string,
    input: unknown,
  ): Promise<Envelope<unknown>> => {
    if (op === consoleOps.open) {
      const open = consoleInputs[consoleOps.open].safeParse(input);
      if (!open.success) return fault('BAD_INPUT', 'BAD_PARAMETERS', 'vmId is required.');
      const console = await engine.openVmConsole(open.data.vmId);
      const id = randomUUID();
      const owner = event.sender;
      const offData = console.onData((data) => {
        send(owner, consoleEvents.data, { sessionId: id, data });
      });
      const offExit = console.onExit(() => {
        send(owner, consoleEvents.exit, { sessionId: id, reason: 'The VM console closed.' });
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
    const given = (input as { sessionId?: unknown } | null)?.sessionId;
    const sessionId = typeof given === 'string' ? given : '';
    const s = sessions.get(sessionId);
    if (!s || s.owner !== event.sender.id) {
      return fault('CONSOLE_NOT_FOUND', 'NOT_FOUND', 'This console session is closed.');
    }
    const bad = (): Envelope<never> => fault('BAD_INPUT', 'BAD_PARAMETERS', `Bad input for ${op}.`);
    if (op === consoleOps.write) {
      const w = consoleInputs[consoleOps.write].safeParse(input);
      if (!w.success) return bad();
      s.console.write(w.data.data);
    } else if (op === consoleOps.resize) {
      const r = consoleInputs[consoleOps.resize].safeParse(input);
      if (!r.success) return bad();
      s.console.resize(r.data.cols, r.data.rows);
    } else if (op === consoleOps.close) closeSession(sessionId);
    else return bad();
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
