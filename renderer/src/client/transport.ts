// SPDX-License-Identifier: Apache-2.0
/**
 * The one seam between the renderer and the engine. Two implementations exist — Electron IPC
 * through the preload bridge, and HTTP to the headless engine — and every screen talks to
 * whichever one `main.tsx` picked, through {@link ContractClient}.
 */
import { type Envelope, errorEnvelope } from '../../../main/contract/errors';

/** A live serial console of a VM, already attached. */
export interface ConsoleChannel {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

export interface ConsoleHandlers {
  onData(data: string): void;
  onExit(reason: string): void;
}

/** What a transport must do; it never interprets results, it only carries envelopes. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  /** Runs one contract operation; resolves with the envelope (never rejects on engine faults). */
  invoke(op: string, input: unknown): Promise<Envelope<unknown>>;
  /** Subscribes to one contract event; returns the unsubscribe function. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  /** Attaches to a running VM's serial console. */
  openConsole(vmId: string, handlers: ConsoleHandlers): Promise<ConsoleChannel>;
}

/** Builds an error envelope for failures that happen before the engine answered. */
export function transportFault(code: string, message: string): Envelope<never> {
  return errorEnvelope(
    code,
    code === 'NOT_AUTHENTICATED' ? 'NO_AUTHENTICATION' : 'INTERNAL_ERROR',
    message,
  );
}

/** True when `value` has the shape of an {@link Envelope}. */
export function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: unknown };
  if (v.ok === true) return 'result' in value;
  return v.ok === false && typeof v.error === 'object' && v.error !== null;
}
