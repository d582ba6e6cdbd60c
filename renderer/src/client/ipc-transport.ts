// SPDX-License-Identifier: Apache-2.0
/**
 * Electron transport: everything goes through the one object the preload exposes
 * (`window.aio`), never through `ipcRenderer` (the renderer has no Node and no Electron).
 */
import type { Envelope } from '../../../main/contract/errors';
import type { ConsoleChannel, ConsoleHandlers, Transport } from './transport';
import { isEnvelope, transportFault } from './transport';

/** The shape main/preload/index.ts exposes; kept structural so the renderer imports no preload. */
export interface AioBridge {
  invoke(op: string, input: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    aio?: AioBridge;
  }
}

/** The console operations the Electron main process handles (see main/electron/ipc.ts). */
export const CONSOLE_OPS = {
  open: 'console.open',
  write: 'console.write',
  resize: 'console.resize',
  close: 'console.close',
  dataEvent: 'console.data',
  exitEvent: 'console.exit',
} as const;

interface ConsoleDataEvent {
  readonly sessionId: string;
  readonly data?: string;
  readonly reason?: string;
}

export class IpcTransport implements Transport {
  readonly kind = 'ipc' as const;
  private readonly bridge: AioBridge;

  constructor(bridge: AioBridge) {
    this.bridge = bridge;
  }

  async invoke(op: string, input: unknown): Promise<Envelope<unknown>> {
    try {
      const answer = await this.bridge.invoke(op, input);
      return isEnvelope(answer) ? answer : transportFault('BAD_ANSWER', `No envelope for ${op}.`);
    } catch (e) {
      return transportFault('IPC_FAILED', e instanceof Error ? e.message : String(e));
    }
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    return this.bridge.subscribe(event, listener);
  }

  async openConsole(vmId: string, handlers: ConsoleHandlers): Promise<ConsoleChannel> {
    const opened = await this.invoke(CONSOLE_OPS.open, { vmId });
    if (!opened.ok) throw new Error(opened.error.messages.join(' '));
    const { sessionId } = opened.result as { sessionId: string };
    const mine = (p: unknown): p is ConsoleDataEvent =>
      typeof p === 'object' && p !== null && (p as ConsoleDataEvent).sessionId === sessionId;
    const offData = this.subscribe(CONSOLE_OPS.dataEvent, (p) => {
      if (mine(p) && p.data !== undefined) handlers.onData(p.data);
    });
    const offExit = this.subscribe(CONSOLE_OPS.exitEvent, (p) => {
      if (mine(p)) handlers.onExit(p.reason ?? 'console closed');
    });
    const send = (op: string, input: object): void => {
      void this.invoke(op, { sessionId, ...input });
    };
    return {
      write: (data) => {
        send(CONSOLE_OPS.write, { data });
      },
      resize: (cols, rows) => {
        send(CONSOLE_OPS.resize, { cols, rows });
      },
      close: () => {
        offData();
        offExit();
        send(CONSOLE_OPS.close, {});
      },
    };
  }
}
