// SPDX-License-Identifier: Apache-2.0
/**
 * Electron transport: everything goes through the one object the preload exposes
 * (`window.aio`), never through `ipcRenderer` (the renderer has no Node and no Electron).
 */
import {
  type ConsoleEvent,
  consoleEvents,
  type ConsoleOpened,
  consoleOps,
} from '../../../main/contract/console';
import type { Envelope } from '../../../main/contract/errors';
import type { ConsoleChannel, ConsoleHandlers, Transport } from './transport';
import { isEnvelope, transportFault } from './transport';

/** The shape main/preload/index.ts exposes; kept structural so the renderer imports no preload. */
export interface AioBridge {
  invoke(op: string, input: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  /** The screen's loopback WebSocket base URL (Electron window only; null when none). */
  readonly graphicsUrl?: string | null;
}

declare global {
  interface Window {
    aio?: AioBridge;
  }
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
    const opened = await this.invoke(consoleOps.open, { vmId });
    if (!opened.ok) throw new Error(opened.error.messages.join(' '));
    const { sessionId } = opened.result as ConsoleOpened;
    const mine = (p: unknown): p is ConsoleEvent =>
      typeof p === 'object' && p !== null && (p as ConsoleEvent).sessionId === sessionId;
    const offData = this.subscribe(consoleEvents.data, (p) => {
      if (mine(p) && p.data !== undefined) handlers.onData(p.data);
    });
    const offExit = this.subscribe(consoleEvents.exit, (p) => {
      if (mine(p)) handlers.onExit(p.reason ?? 'console closed');
    });
    const send = (op: string, input: object): void => {
      void this.invoke(op, { sessionId, ...input });
    };
    return {
      write: (data) => {
        send(consoleOps.write, { data });
      },
      resize: (cols, rows) => {
        send(consoleOps.resize, { cols, rows });
      },
      close: () => {
        offData();
        offExit();
        send(consoleOps.close, {});
      },
    };
  }
}
