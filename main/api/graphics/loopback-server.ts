// SPDX-License-Identifier: Apache-2.0
/**
 * The screen's WebSocket for the Electron window, which has no HTTP server of its own: a
 * node:http server on 127.0.0.1 (ephemeral port) that answers ONLY the graphics upgrade
 * (`/ovirt-engine/services/graphics/<ticket>`) through the same {@link GraphicsProxy} as the
 * API server. The one-time ticket stays the credential; on top, the Host header must be this
 * listener (no DNS rebinding) and the Origin the app's own page, since any local page could
 * otherwise try tickets. Every plain HTTP request and every other path is refused.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { GRAPHICS_WS_PREFIX, GraphicsProxy, type TicketLookup } from './ws-proxy';

export interface GraphicsLoopback {
  /** `ws://127.0.0.1:<port>`: what the app's CSP allows in `connect-src`, nothing wider. */
  readonly origin: string;
  /** Base URL the page appends a ticket to. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The Origin a browser sends for pages of `appUrl`: `file://` for file pages (Chromium's
 * serialisation for WebSocket handshakes), scheme and host otherwise (also for a custom
 * scheme, where WHATWG `URL.origin` would say `null`). Null when `appUrl` is not a URL.
 */
export function appOriginOf(appUrl: string): string | null {
  try {
    const u = new URL(appUrl);
    return u.protocol === 'file:' ? 'file://' : `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** True when the upgrade comes from the app's own page (an absent Origin is refused too). */
export function isAppOrigin(origin: string | undefined, appUrl: string): boolean {
  const own = appOriginOf(appUrl);
  return own !== null && origin === own;
}

function reject(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' });
  res.end(text);
}

/**
 * Starts the graphics-only listener.
 * @param appUrl returns the URL the window loads (read per request: it can be a dev server).
 */
export async function startGraphicsLoopback(
  lookup: TicketLookup,
  appUrl: () => string,
): Promise<GraphicsLoopback> {
  let host = '';
  const check = (req: IncomingMessage): boolean =>
    req.headers.host === host && isAppOrigin(req.headers.origin, appUrl());
  const proxy = new GraphicsProxy(lookup, check);
  const server = createServer((_req, res) => {
    // Only the WebSocket is served here: no page, no API, no other path.
    reject(res, 426, 'Only the screen WebSocket is served here.');
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    socket.on('error', () => undefined);
    if (!proxy.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  // Upgrade requests are small; a slow client must not hold a socket open.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject_) => {
    server.once('error', reject_);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject_);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  const origin = `ws://${host}`;
  return {
    origin,
    url: `${origin}${GRAPHICS_WS_PREFIX}`,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
