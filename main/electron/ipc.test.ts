// SPDX-License-Identifier: Apache-2.0
// The IPC handler's console operations (contract/console.ts) without Electron: `electron` is
// replaced by a recorder of the one handler registered, and senders are plain objects.
import { afterEach, describe, expect, it, vi } from 'vitest';

import { consoleEvents, consoleOps } from '../contract/console';
import type { Envelope } from '../contract/errors';
import { IPC_EVENT } from '../preload/channels';
import type { IpcConsole } from './ipc';

type Handler = (event: unknown, op: unknown, input: unknown) => Promise<Envelope<unknown>>;
const registered: { handler: Handler | null } = { handler: null };

vi.mock('electron', () => ({
  ipcMain: {
    handle: (_channel: string, h: Handler) => {
      registered.handler = h;
    },
    removeHandler: () => {
      registered.handler = null;
    },
  },
  webContents: { getAllWebContents: () => [] },
}));

const { registerIpc } = await import('./ipc');

const APP = 'http://127.0.0.1:5173/index.html';

interface FakeSender {
  readonly sent: unknown[][];
  readonly event: unknown;
}

function sender(id: number): FakeSender {
  const sent: unknown[][] = [];
  const mainFrame = { url: APP };
  return {
    sent,
    event: {
      senderFrame: mainFrame,
      sender: {
        id,
        mainFrame,
        isDestroyed: () => false,
        send: (...args: unknown[]) => sent.push(args),
        once: () => undefined,
      },
    },
  };
}

interface FakeConsole {
  readonly written: string[];
  readonly sizes: [number, number][];
  closed(): boolean;
  emit(data: string): void;
  readonly console: IpcConsole;
}

function fakeConsole(): FakeConsole {
  const written: string[] = [];
  const sizes: [number, number][] = [];
  let closed = false;
  let emit: (data: string) => void = () => undefined;
  return {
    written,
    sizes,
    closed: () => closed,
    emit: (d: string) => {
      emit(d);
    },
    console: {
      write: (d: string) => written.push(d),
      onData: (l: (d: string) => void) => {
        emit = l;
        return () => undefined;
      },
      onExit: () => () => undefined,
      resize: (c: number, r: number) => sizes.push([c, r]),
      close: () => {
        closed = true;
      },
    },
  };
}

let unregister: (() => void) | null = null;
afterEach(() => {
  unregister?.();
});

describe('IPC console operations', () => {
  it('open, output, write, resize, close; another window cannot use the session', async () => {
    const c = fakeConsole();
    const opened: string[] = [];
    unregister = registerIpc(
      {
        invoke: () => Promise.resolve({ ok: true, result: null }),
        subscribe: () => () => undefined,
        openVmConsole: (vmId) => {
          opened.push(vmId);
          return Promise.resolve(c.console);
        },
      },
      () => APP,
    );
    const h = registered.handler;
    if (!h) throw new Error('no handler registered');
    const win = sender(1);
    const open = await h(win.event, consoleOps.open, { vmId: 'vm-1' });
    expect(open.ok).toBe(true);
    const { sessionId } = (open as { result: { sessionId: string } }).result;
    expect(opened).toEqual(['vm-1']);

    c.emit('login: ');
    expect(win.sent).toEqual([[IPC_EVENT, consoleEvents.data, { sessionId, data: 'login: ' }]]);

    expect(await h(win.event, consoleOps.write, { sessionId, data: 'root\n' })).toEqual({
      ok: true,
      result: null,
    });
    expect((await h(win.event, consoleOps.resize, { sessionId, cols: 80, rows: 24 })).ok).toBe(
      true,
    );
    expect(c.written).toEqual(['root\n']);
    expect(c.sizes).toEqual([[80, 24]]);

    const bad = await h(win.event, consoleOps.write, { sessionId, data: 7 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const other = await h(sender(2).event, consoleOps.write, { sessionId, data: 'x' });
    expect(other).toMatchObject({ ok: false, error: { code: 'CONSOLE_NOT_FOUND' } });
    expect(c.written).toEqual(['root\n']);

    expect((await h(win.event, consoleOps.close, { sessionId })).ok).toBe(true);
    expect(c.closed()).toBe(true);
    const after = await h(win.event, consoleOps.write, { sessionId, data: 'x' });
    expect(after).toMatchObject({ ok: false, error: { code: 'CONSOLE_NOT_FOUND' } });
  });

  it('refuses an open without a VM id, and unknown operations', async () => {
    unregister = registerIpc(
      {
        invoke: () => Promise.resolve({ ok: true, result: null }),
        subscribe: () => () => undefined,
        openVmConsole: () => Promise.reject(new Error('not expected')),
      },
      () => APP,
    );
    const h = registered.handler;
    if (!h) throw new Error('no handler registered');
    const win = sender(1);
    expect(await h(win.event, consoleOps.open, {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', category: 'BAD_PARAMETERS', reason: 'Operation Failed' },
    });
    expect(await h(win.event, 'NoSuchOperation', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_OPERATION' },
    });
  });
});
