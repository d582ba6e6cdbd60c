// SPDX-License-Identifier: Apache-2.0
/**
 * Serves a host agent (the same host layer the engine uses locally) to the engine over
 * mutually authenticated TLS. The TLS layer refuses any peer without a certificate signed by
 * the engine's CA (`requestCert` + `rejectUnauthorized`), and a peer whose certificate is not
 * the engine's own (another enrolled host) is dropped before it can send a request: nothing
 * here answers an unauthenticated peer.
 */
import type { Server, TLSSocket } from 'node:tls';
import { createServer } from 'node:tls';

import type { DomainStateChange, HostAgent } from '../host-agent';
import { ConsoleSessions } from './console-sessions';
import {
  encodeFrame,
  ENGINE_CN,
  type EventFrame,
  isConsoleMethod,
  isRemoteMethod,
  lineReader,
  PING,
  type RemoteMethod,
  type ResponseFrame,
  reviveParams,
  toWireError,
} from './protocol';

export interface AgentTlsMaterial {
  /** PEM private key of this host. */
  readonly key: string;
  /** PEM certificate of this host, signed by the engine's CA at enrollment. */
  readonly cert: string;
  /** PEM certificate of the engine's CA: the only issuer trusted. */
  readonly ca: string;
}

export interface ServedAgent {
  readonly server: Server;
  /** Address and port actually bound (port 0 → the kernel's choice). */
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/** Subject CN of the peer's verified certificate, or null. */
function peerCn(socket: TLSSocket): string | null {
  const cert = socket.getPeerCertificate();
  const cn = cert.subject?.CN;
  return typeof cn === 'string' ? cn : null;
}

/** Start serving `agent` on host:port. Resolves once listening. */
export async function serveHostAgent(
  agent: HostAgent,
  tls: AgentTlsMaterial,
  listen: { readonly host: string; readonly port: number },
  log: (line: string) => void = () => undefined,
): Promise<ServedAgent> {
  const clients = new Set<TLSSocket>();
  const broadcast = (frame: EventFrame): void => {
    const line = encodeFrame(frame);
    for (const c of clients) c.write(line);
  };
  const unsubscribe = [
    agent.onDomainStateChange((change: DomainStateChange) => {
      broadcast({ event: 'domain', data: change });
    }),
    agent.onNetworkChange?.((networks) => {
      broadcast({ event: 'network', data: networks });
    }),
  ];

  const server = createServer(
    {
      key: tls.key,
      cert: tls.cert,
      ca: tls.ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    },
    (socket) => {
      // Signed by our CA, but a host's certificate is signed by it too: only the engine may ask.
      const cn = peerCn(socket);
      if (!socket.authorized || cn !== ENGINE_CN) {
        log(`refused a peer with certificate CN ${cn ?? '(none)'}`);
        socket.destroy();
        return;
      }
      clients.add(socket);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 5_000);
      const reply = (frame: ResponseFrame): void => {
        if (!socket.destroyed) socket.write(encodeFrame(frame));
      };
      // Issue 17: serial consoles of this connection (console-sessions.ts).
      const consoles = new ConsoleSessions(agent, (frame) => {
        if (!socket.destroyed) socket.write(encodeFrame(frame));
      });
      socket.on(
        'data',
        lineReader(
          (raw) => {
            const f = raw as { id?: unknown; method?: unknown; params?: unknown };
            const id = typeof f.id === 'number' ? f.id : -1;
            if (f.method === PING) {
              reply({ id, result: 'pong' });
              return;
            }
            if (isConsoleMethod(f.method) && Array.isArray(f.params)) {
              consoles.call(f.method, f.params as unknown[]).then(
                (result) => {
                  reply({ id, result });
                },
                (e: unknown) => {
                  reply({ id, error: toWireError(e) });
                },
              );
              return;
            }
            if (!isRemoteMethod(f.method) || !Array.isArray(f.params)) {
              reply({
                id,
                error: {
                  code: 'HOST_COMMAND_FAILED',
                  message: `unknown method ${String(f.method)}`,
                },
              });
              return;
            }
            const method = f.method;
            // The method is one of the interface's own (REMOTE_METHODS), called on the agent.
            const served = agent as unknown as Record<
              RemoteMethod,
              (this: HostAgent, ...args: unknown[]) => Promise<unknown>
            >;
            const fn = served[method];
            // An optional method this agent lacks (or a synchronous throw) is an error answer,
            // never an exception in the socket's data handler.
            Promise.resolve()
              .then(() => {
                if (typeof fn !== 'function') throw new Error(`method ${method} not served here`);
                return fn.apply(agent, reviveParams(method, f.params as unknown[]));
              })
              .then(
                (result) => {
                  reply({ id, result: result === undefined ? null : result });
                },
                (e: unknown) => {
                  reply({ id, error: toWireError(e) });
                },
              );
          },
          (why) => {
            log(`dropping the engine connection: ${why}`);
            socket.destroy();
          },
        ),
      );
      socket.on('close', () => {
        clients.delete(socket);
        consoles.closeAll();
      });
      socket.on('error', () => clients.delete(socket));
    },
  );
  server.on('tlsClientError', (e) => {
    log(`TLS handshake refused: ${e.message}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : listen.port;
  return {
    server,
    address: { host: listen.host, port },
    close: async () => {
      for (const u of unsubscribe) u?.();
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
