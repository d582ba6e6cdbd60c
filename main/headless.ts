// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run serve -- --data-dir DIR --listen 127.0.0.1:PORT [--tls]`: the engine without
 * Electron. Migrations, local host registration and activation happen in createEngine; then
 * the REST API (`/ovirt-engine/api`), the SSO endpoints, the RPC for the web UI and the UI
 * build at `/` are served. Prints `listening on http://127.0.0.1:PORT` once it answers.
 *
 * The admin@internal password of a new data dir comes from AIO_ADMIN_PASSWORD; otherwise a
 * random one is generated, stored in `<data-dir>/admin-password` (mode 0600) and printed once.
 * Loopback only, unless `--tls` is given (self-signed certificate kept in the data dir).
 * SIGINT/SIGTERM close the server, the engine and the host agent, then exit 0.
 */
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { compose } from './compose';
import { markStartup, startupMarks, startupTraceWanted } from './engine/startup-trace';

const USAGE =
  'usage: npm run serve -- --data-dir DIR [--listen 127.0.0.1:8080] [--tls] [--static DIR]' +
  ' [--hosts-listen ADDR:PORT]';

/** Splits `HOST:PORT` (`[::1]:PORT` for IPv6). @throws on a malformed value */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new Error(`--listen must be HOST:PORT, got "${value}"`);
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

/**
 * Whether the server accepts a connection on its own address. A TCP connect, not an HTTP
 * request (fetch would load undici, ~50 ms, and the request would compete with the first
 * client's on the way to the first answer).
 */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

async function main(): Promise<number> {
  markStartup('modules evaluated');
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:8080' },
      tls: { type: 'boolean', default: false },
      static: { type: 'string' },
      // Issue 17: where remote host agents enroll (HOST:PORT, TLS); off when absent.
      'hosts-listen': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = values['data-dir'];
  if (dataDir === undefined) {
    console.error(USAGE);
    return 2;
  }
  const { host, port } = parseListen(values.listen);
  const envPassword = process.env.AIO_ADMIN_PASSWORD;
  const app = await compose({
    dataDir: resolve(dataDir),
    host,
    port,
    tls: values.tls,
    ...(envPassword !== undefined && envPassword !== '' ? { adminPassword: envPassword } : {}),
    ...(values.static !== undefined ? { staticDir: resolve(values.static) } : {}),
    ...(values['hosts-listen'] !== undefined
      ? { hostEnrollmentListen: values['hosts-listen'] }
      : {}),
  });
  if (app.initialAdminPassword !== null) {
    const file = join(resolve(dataDir), 'admin-password');
    writeFileSync(file, `${app.initialAdminPassword}\n`, { mode: 0o600 });
    console.log(`admin@internal password (stored in ${file}): ${app.initialAdminPassword}`);
  }
  // Make sure it answers before saying so: scripts wait for this line.
  if (!(await answers(app.address.address, app.address.port))) {
    await app.close();
    throw new Error('the server does not answer on its own address');
  }
  markStartup('listening');
  console.log(`listening on ${app.origin}`);
  app.engine.ready.then(
    () => {
      if (!startupTraceWanted()) return;
      console.error(`startup-trace ${JSON.stringify(startupMarks())}`);
      const m = process.memoryUsage();
      const mib = (n: number): number => Math.round((n / 1024 ** 2) * 10) / 10;
      const memory = {
        heapTotal: mib(m.heapTotal),
        heapUsed: mib(m.heapUsed),
        external: mib(m.external),
      };
      console.error(`startup-memory ${JSON.stringify(memory)}`);
    },
    (err: unknown) => {
      console.error(`engine start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    },
  );
  if (app.certPath !== null) console.log(`TLS certificate: ${app.certPath}`);

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: shutting down`);
      app.close().then(
        () => {
          done(0);
        },
        (err: unknown) => {
          console.error('shutdown failed:', err);
          done(1);
        },
      );
    };
    process.once('SIGINT', () => {
      stop('SIGINT');
    });
    process.once('SIGTERM', () => {
      stop('SIGTERM');
    });
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`serve: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
