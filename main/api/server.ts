// SPDX-License-Identifier: Apache-2.0
/**
 * The HTTP(S) server of the headless engine: SSO endpoints, the oVirt REST API under
 * `/ovirt-engine/api`, the contract RPC under `/rpc`, and the web UI build at `/`.
 * It listens on loopback only unless TLS is on (see `checkListenAddress`).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import type { Engine } from '../engine/dispatch';
import { AuthService } from './auth';
import { send } from './http';
import { engineImageTickets } from './imageio/engine-tickets';
import { ImageioHandler, IMAGES_PREFIX } from './imageio/handler';
import { API_PREFIX, handleRest } from './ovirt/rest';
import { buildOvirtRouter } from './ovirt/routes';
import { rootLinkHeader } from './ovirt/routes/root.routes';
import { RPC_PREFIX, RpcHandler } from './rpc';
import { serveStatic } from './static';

export interface ApiServerOptions {
  readonly engine: Engine;
  /** Directory of the web UI build (dist/renderer). */
  readonly staticDir: string;
  /** Stable id of this installation (product_info.instance_id). */
  readonly instanceId: string;
  /** Serve HTTPS with this key/certificate. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
  /** Request body limit in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
}

export interface ApiServer {
  readonly server: Server;
  readonly auth: AuthService;
  /** Starts listening; resolves with the bound address. */
  listen(host: string, port: number): Promise<AddressInfo>;
  /** Stops accepting, closes open streams and consoles. */
  close(): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Refuses a non-loopback listen address unless TLS is on: the API carries passwords and
 * tokens, which must not cross a network in clear text.
 * @throws Error with a message for the user
 */
export function checkListenAddress(host: string, tls: boolean): void {
  if (!isLoopback(host) && !tls) {
    throw new Error(
      `refusing to listen on ${host} without TLS: use a loopback address (127.0.0.1) or add --tls`,
    );
  }
}

/** Builds the server (not yet listening). */
export function createApiServer(opts: ApiServerOptions): ApiServer {
  const auth = new AuthService((user, password) => opts.engine.authenticate(user, password));
  const router = buildOvirtRouter(opts.instanceId);
  const rpc = new RpcHandler(opts.engine, auth);
  const restOptions = {
    router,
    auth,
    engine: opts.engine,
    rootLinkHeader,
    ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
  };
  const certPem = opts.tls?.cert;
  // oVirt's imageio data plane (transfer_url): the ticket in the path is the credential.
  const imageio = new ImageioHandler(engineImageTickets(opts.engine));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
      await handleRest(restOptions, req, res);
    } else if (path === '/ovirt-engine/sso/oauth/token') {
      if (req.method !== 'POST') {
        send(req, res, 405, { Allow: 'POST' });
        return;
      }
      await auth.handleToken(req, res);
    } else if (path === '/ovirt-engine/services/sso-logout') {
      if (req.method !== 'POST' && req.method !== 'GET') {
        send(req, res, 405, { Allow: 'POST' });
        return;
      }
      await auth.handleLogout(req, res);
    } else if (path === '/ovirt-engine/services/pki-resource') {
      // libgovirt and virt-viewer fetch the CA here; ours is the self-signed certificate.
      if (certPem === undefined) {
        send(req, res, 404, {});
        return;
      }
      send(req, res, 200, { 'Content-Type': 'application/x-x509-ca-cert' }, certPem);
    } else if (path.startsWith(IMAGES_PREFIX)) {
      await imageio.handle(req, res);
    } else if (path === RPC_PREFIX || path.startsWith(`${RPC_PREFIX}/`)) {
      await rpc.handle(req, res);
    } else if (path.startsWith('/ovirt-engine/')) {
      send(req, res, 404, {});
    } else {
      serveStatic(opts.staticDir, req, res);
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      console.error('[server] unexpected error', err);
      if (!res.headersSent) send(req, res, 500, {});
      else res.destroy();
    });
  };
  const server = opts.tls
    ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
    : createHttpServer(listener);

  return {
    server,
    auth,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        rpc.closeAll();
        auth.clear();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
