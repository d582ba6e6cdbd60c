// SPDX-License-Identifier: Apache-2.0
/**
 * The screen's data plane: a WebSocket (`GET /ovirt-engine/services/graphics/<ticket>`,
 * subprotocol `binary` as noVNC offers it) whose bytes go to the VM's loopback VNC port. The
 * one-time ticket in the path is the credential (as imageio's transfer_url): only an
 * authenticated API caller gets one, it opens exactly one connection and expires. Any other
 * upgrade is refused with a plain HTTP status before a WebSocket exists, so the page can never
 * reach a VNC port itself.
 */
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import type { Principal } from '../../contract';
import type { GraphicsEndpoint } from '../../contract/graphics';
import type { Engine } from '../../engine/dispatch';

export const GRAPHICS_WS_PREFIX = '/ovirt-engine/services/graphics/';

/** Largest frame a client may send (VNC client messages are small; a paste is a few KiB). */
const MAX_PAYLOAD = 1024 * 1024;

/** Spends a ticket: where its screen listens, or null when it is unknown, used or expired. */
export type TicketLookup = (ticket: string) => Promise<GraphicsEndpoint | null>;

/**
 * The ticket is the only credential here (as imageio's), so the proxy asks the engine as an
 * internal principal; only an authenticated API caller could have obtained the ticket.
 */
const GRAPHICS_PRINCIPAL: Principal = {
  userId: 'graphics',
  userName: 'graphics@internal',
  admin: true,
};

/** Tickets spent through the engine's contract (`UseGraphicsTicket`). */
export function engineGraphicsTickets(engine: Pick<Engine, 'invoke'>): TicketLookup {
  return async (ticket) => {
    const env = await engine.invoke(GRAPHICS_PRINCIPAL, 'UseGraphicsTicket', { ticket });
    return env.ok ? env.result : null;
  };
}

/** Extra checks on the upgrade request (Host header, Origin), from the API server. */
export type UpgradeCheck = (req: IncomingMessage) => boolean;

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

/** Pipe a WebSocket to a TCP port both ways; either side closing closes the other. */
function bridge(ws: WebSocket, host: string, port: number): void {
  const tcp = connect({ host, port });
  tcp.setNoDelay(true);
  tcp.on('data', (chunk: Buffer) => {
    ws.send(chunk, { binary: true });
  });
  tcp.on('error', () => {
    ws.close(1011, 'the screen is not reachable');
  });
  tcp.on('close', () => {
    if (ws.readyState === ws.OPEN) ws.close(1000);
  });
  ws.on('message', (data: RawData) => {
    const chunks = Array.isArray(data) ? data : [Buffer.from(data as Buffer)];
    for (const c of chunks) tcp.write(c);
  });
  ws.on('close', () => {
    tcp.destroy();
  });
  ws.on('error', () => {
    tcp.destroy();
  });
}

/** Handles `upgrade` events of the API server for the graphics path. */
export class GraphicsProxy {
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });

  constructor(
    private readonly lookup: TicketLookup,
    private readonly check: UpgradeCheck = () => true,
  ) {}

  /** True when the request is for this proxy (then it is answered, maybe after a lookup). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(GRAPHICS_WS_PREFIX)) return false;
    socket.on('error', () => undefined);
    if (!this.check(req)) {
      refuse(socket, 403, 'Forbidden');
      return true;
    }
    let value: string;
    try {
      value = decodeURIComponent(path.slice(GRAPHICS_WS_PREFIX.length));
    } catch {
      value = '';
    }
    if (value === '' || value.length > 64) {
      refuse(socket, 401, 'Unauthorized');
      return true;
    }
    this.lookup(value)
      .catch(() => null)
      .then((target) => {
        if (target === null) {
          refuse(socket, 401, 'Unauthorized');
          return;
        }
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          bridge(ws, target.address, target.port);
        });
      })
      .catch(() => socket.destroy());
    return true;
  }

  /** Close every open screen connection. */
  close(): void {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}
