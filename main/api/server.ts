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
import { type AuthOptions, AuthService } from './auth';
import { engineGraphicsTickets, GraphicsProxy } from './graphics/ws-proxy';
import { hostnamesFromEnv, TrustedHosts } from './hosts';
import { send } from './http';
import { engineImageTickets } from './imageio/engine-tickets';
import { ImageioHandler, IMAGES_PREFIX } from './imageio/handler';
import { faultDoc } from './ovirt/fault';
import { writeJson } from './ovirt/json';
import { API_PREFIX, handleRest, negotiate, type Reply } from './ovirt/rest';
import { buildOvirtRouter } from './ovirt/routes';
import { rootLinkHeader } from './ovirt/routes/root.routes';
import { writeXml } from './ovirt/xml';
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
  /**
   * Extra host names clients may use to reach the server (besides loopback names and the
   * listen address); default from `AIO_API_HOSTNAMES`. Any other `Host` is refused.
   */
  readonly hostnames?: readonly string[];
  /** Token lifetimes and login back-off; default from the environment (authOptionsFromEnv). */
  readonly auth?: AuthOptions;
}

/** Minutes from an environment variable; undefined when unset or not a whole number. */
function minutesFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value) * 60_000;
}

/**
 * Token lifetimes from the environment, in minutes, as oVirt's engine-config names them:
 * `AIO_SSO_TOKEN_HARD_LIMIT` (`UserSessionHardLimit`, default 600, 0 = none) and
 * `AIO_SSO_TOKEN_IDLE_TIMEOUT` (`UserSessionTimeOutInterval`, default 30, 0 = none).
 */
export function authOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthOptions {
  const hard = minutesFromEnv(env.AIO_SSO_TOKEN_HARD_LIMIT);
  const idle = minutesFromEnv(env.AIO_SSO_TOKEN_IDLE_TIMEOUT);
  return {
    ...(hard !== undefined ? { tokenHardLimitMs: hard } : {}),
    ...(idle !== undefined ? { tokenIdleMs: idle } : {}),
  };
}

/** Methods that change state: their `Origin`, when a browser sends one, must be ours. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
  const auth = new AuthService(
    (user, password) => opts.engine.authenticate(user, password),
    opts.auth ?? authOptionsFromEnv(),
  );
  const trusted = new TrustedHosts(opts.hostnames ?? hostnamesFromEnv());
  const router = buildOvirtRouter(opts.instanceId);
  const rpc = new RpcHandler(opts.engine, auth);
  const restOptions = {
    router,
    auth,
    engine: opts.engine,
    rootLinkHeader,
    publicOrigin: (req: IncomingMessage) => trusted.origin(req.headers.host),
    ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
  };
  const certPem = opts.tls?.cert;
  // oVirt's imageio data plane (transfer_url): the ticket in the path is the credential.
  const imageio = new ImageioHandler(engineImageTickets(opts.engine));

  /** Refuses a request before any handler sees it: an oVirt fault, XML or JSON. */
  const refuse = (req: IncomingMessage, res: ServerResponse, reply: Reply): void => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const json = negotiate(req, query) === 'json';
    req.resume();
    send(
      req,
      res,
      reply.status,
      { 'Content-Type': json ? 'application/json' : 'application/xml', Connection: 'close' },
      reply.doc === null ? '' : json ? writeJson(reply.doc) : writeXml(reply.doc),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!trusted.checkHostHeader(req.headers.host)) {
      // DNS rebinding: a page of another site resolved to our address.
      refuse(req, res, {
        status: 421,
        doc: faultDoc(
          'Misdirected Request',
          `'${String(req.headers.host).slice(0, 100)}' is not a name of this server; ` +
            'add it to AIO_API_HOSTNAMES to reach the server by it.',
        ),
      });
      return;
    }
    if (!SAFE_METHODS.has(req.method ?? 'GET') && !trusted.checkOrigin(req.headers.origin)) {
      // A browser sending a request another site's page started (CSRF).
      refuse(req, res, {
        status: 403,
        doc: faultDoc(
          'Forbidden',
          `Requests from pages of '${String(req.headers.origin).slice(0, 100)}' are not accepted.`,
        ),
      });
      return;
    }
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
  // oVirt clients send `Expect: 201-created` / `202-accepted` (blocking add, async action);
  // node answers any Expect but 100-continue with 417 unless someone listens for it.
  server.on('checkExpectation', listener);
  // Issue 16: the screen's WebSocket. Its one-time ticket comes from an authenticated
  // `graphicsconsoles/{id}/ticket`; Host and Origin are checked as for every request, since
  // browsers send WebSocket upgrades cross-site without asking.
  const graphics = new GraphicsProxy(
    engineGraphicsTickets(opts.engine),
    (req) => trusted.checkHostHeader(req.headers.host) && trusted.checkOrigin(req.headers.origin),
  );
  server.on('upgrade', (req, socket, head) => {
    if (!graphics.handleUpgrade(req, socket, head)) socket.destroy();
  });

  return {
    server,
    auth,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          trusted.listening(host, address.port, opts.tls !== undefined);
          resolve(address);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        rpc.closeAll();
        graphics.close();
        auth.clear();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
