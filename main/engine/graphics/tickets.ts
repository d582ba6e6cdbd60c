// SPDX-License-Identifier: Apache-2.0
/**
 * One-time, short-lived graphics console tickets (oVirt's `graphicsconsoles/{id}/ticket`).
 * The ticket value is also the VNC password the engine sets on the domain, so the same value
 * opens the WebSocket (once) and answers the VNC server's password challenge. Kept in memory:
 * an engine restart invalidates every ticket, as oVirt's do.
 */
import type { GraphicsEndpoint } from '../../contract/graphics';

/** oVirt's default ticket lifetime when `ticket.expiry` is absent (7200 s), seconds. */
export const DEFAULT_TICKET_SECONDS = 7200;

const MAX_TICKETS = 1024;

export interface GraphicsTicket {
  readonly value: string;
  readonly vmId: string;
  /** Where the VM's VNC server listens (loopback). */
  readonly display: GraphicsEndpoint;
  /** Epoch ms after which the ticket no longer opens anything. */
  readonly expiresAt: number;
}

/** Issued tickets; each opens one WebSocket before it expires. */
export class GraphicsTickets {
  readonly #tickets = new Map<string, GraphicsTicket>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Remember a ticket the engine has set as the VM's VNC password. */
  add(ticket: GraphicsTicket): void {
    this.#sweep();
    // A VM has one screen: a new ticket replaces its older ones (their password is gone too).
    for (const [value, t] of this.#tickets) if (t.vmId === ticket.vmId) this.#tickets.delete(value);
    if (this.#tickets.size >= MAX_TICKETS) {
      const oldest = this.#tickets.keys().next().value;
      if (oldest !== undefined) this.#tickets.delete(oldest);
    }
    this.#tickets.set(ticket.value, ticket);
  }

  /** Use a ticket: its display when valid and unused, else null. It never works again. */
  take(value: string): GraphicsTicket | null {
    const ticket = this.#tickets.get(value);
    if (ticket === undefined) return null;
    this.#tickets.delete(value);
    return ticket.expiresAt > this.#now() ? ticket : null;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [value, t] of this.#tickets) if (t.expiresAt <= now) this.#tickets.delete(value);
  }
}
