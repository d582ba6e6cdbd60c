// SPDX-License-Identifier: Apache-2.0
/**
 * Graphical consoles (issue 16), in oVirt's words: `/vms/{id}/graphicsconsoles`, each with a
 * `protocol`; `ticket` sets a short-lived password. oVirt's console id is the protocol name
 * in hex (`766e63` for vnc, `7370696365` for spice).
 */
import { z } from 'zod';

import { Uuid } from './common';

export const GRAPHICS_PROTOCOLS = ['vnc', 'spice'] as const;
export type GraphicsProtocol = (typeof GRAPHICS_PROTOCOLS)[number];

/** oVirt's id of a graphics console: hex of the protocol name. */
export function graphicsConsoleId(protocol: GraphicsProtocol): string {
  return Array.from({ length: protocol.length }, (_, i) =>
    protocol.charCodeAt(i).toString(16).padStart(2, '0'),
  ).join('');
}

/** The protocol of an oVirt console id (`766e63` → vnc), or null when it names none. */
export function graphicsProtocolOf(consoleId: string): GraphicsProtocol | null {
  return GRAPHICS_PROTOCOLS.find((p) => graphicsConsoleId(p) === consoleId) ?? null;
}

/** Longest ticket per protocol: VNC's DES auth uses 8 characters, SPICE up to 60. */
export const TICKET_MAX_LENGTH: Readonly<Record<GraphicsProtocol, number>> = {
  vnc: 8,
  spice: 60,
};

/** Where a screen listens (always loopback here). */
export interface GraphicsEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface GraphicsConsole {
  readonly id: string;
  readonly vmId: string;
  readonly protocol: GraphicsProtocol;
  /** Null while the VM is down (no port yet). */
  readonly address: string | null;
  readonly port: number | null;
}

/** A new ticket: the password (also the one-time WebSocket credential) and its lifetime. */
export interface VmTicket {
  readonly value: string;
  /** Seconds the ticket stays valid (oVirt's `ticket.expiry`). */
  readonly expiry: number;
  readonly vmName: string;
  readonly address: string;
  readonly port: number;
}

/** oVirt allows any expiry; a screen ticket is for connecting now, so at most a day. */
export const MAX_TICKET_SECONDS = 86_400;

export const SetVmTicketInput = z
  .object({
    id: Uuid,
    consoleId: z.string().max(64).optional(),
    /** A password of the caller's choice (oVirt allows it); VNC uses at most 8 characters. */
    value: z
      .string()
      .regex(/^[\x21-\x7e]{1,60}$/, 'a ticket has 1 to 60 printable ASCII characters')
      .optional(),
    expiry: z.number().int().min(1).max(MAX_TICKET_SECONDS).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    // The console decides the length: no console id means the VNC one (the first).
    const protocol =
      input.consoleId === undefined ? 'vnc' : (graphicsProtocolOf(input.consoleId) ?? 'vnc');
    const max = TICKET_MAX_LENGTH[protocol];
    if (input.value !== undefined && input.value.length > max)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `a ${protocol.toUpperCase()} ticket has 1 to ${String(max)} printable ASCII characters`,
      });
  });
export type SetVmTicketInput = z.infer<typeof SetVmTicketInput>;

export const UseGraphicsTicketInput = z.object({ ticket: z.string().min(1).max(64) }).strict();
export type UseGraphicsTicketInput = z.infer<typeof UseGraphicsTicketInput>;
