// SPDX-License-Identifier: Apache-2.0
/**
 * The VM serial console in the contract (issue 14): its operation and event names and inputs,
 * spelled once for the Electron shell (main/electron/ipc.ts), the preload's types, the
 * renderer's transports and the HTTP RPC paths (main/api/rpc.ts). A console is a stream, not
 * a request/answer, so it is not in `operations`; its inputs are checked with these schemas
 * the same way. The graphics console (ticket, .vv file) is in `operations` (graphics.ts).
 */
import { z } from 'zod';

/** Operations on a console session, invoked like contract operations over IPC. */
export const consoleOps = {
  open: 'console.open',
  write: 'console.write',
  resize: 'console.resize',
  close: 'console.close',
} as const;
export type ConsoleOpName = (typeof consoleOps)[keyof typeof consoleOps];

/** Events a console session delivers (over IPC; SSE event names over HTTP are `data`/`exit`). */
export const consoleEvents = {
  data: 'console.data',
  exit: 'console.exit',
} as const;

const sessionId = z.string().min(1);

/** The input of each console operation. */
export const consoleInputs = {
  'console.open': z.object({ vmId: z.string() }),
  'console.write': z.object({ sessionId, data: z.string() }),
  'console.resize': z.object({
    sessionId,
    cols: z.number().int(),
    rows: z.number().int(),
  }),
  'console.close': z.object({ sessionId }),
} satisfies Record<ConsoleOpName, z.ZodTypeAny>;
export type ConsoleOpInput<K extends ConsoleOpName> = z.infer<(typeof consoleInputs)[K]>;

export const isConsoleOpName = (op: string): op is ConsoleOpName =>
  Object.prototype.hasOwnProperty.call(consoleInputs, op);

/** What `console.open` answers. */
export interface ConsoleOpened {
  readonly sessionId: string;
}

/** The payload of `console.data` / `console.exit` events. */
export interface ConsoleEvent {
  readonly sessionId: string;
  readonly data?: string;
  readonly reason?: string;
}

/**
 * The same operations over HTTP (the browser/headless transport): `GET open` is an SSE stream
 * (`open`, `data`, `exit`, `error` events); input and resize are POSTed with the session id.
 */
export const consoleHttpPaths = {
  open: (vmId: string): string => `/rpc/console/${encodeURIComponent(vmId)}`,
  write: (id: string): string => `/rpc/console/${encodeURIComponent(id)}/input`,
  resize: (id: string): string => `/rpc/console/${encodeURIComponent(id)}/resize`,
} as const;
/** Path segments under `/rpc/console/<sessionId>/` (see {@link consoleHttpPaths}). */
export const consoleHttpVerbs = { write: 'input', resize: 'resize' } as const;
