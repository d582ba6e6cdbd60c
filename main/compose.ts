// SPDX-License-Identifier: Apache-2.0
/**
 * Composition root of the headless engine: host agent (our VDSM) → engine → HTTP server.
 * Used by main/headless.ts and by the functional tests, so the tests run exactly what
 * `npm run serve` runs.
 *
 * The server listens as soon as the database is ready; the engine's start-up work (storage,
 * recovery, activation) goes on behind it and operations that need it wait (`engine.ready`).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { connectRemoteHostAgent } from '../libvirt/agent-server/client';
import type { HostAgent } from '../libvirt/host-agent';
import { createLocalHostAgent } from '../libvirt/local-host-agent';
import { type ApiServer, checkListenAddress, createApiServer } from './api/server';
import { ensureSelfSignedCert } from './api/tls';
import { createEngine, type StartedEngine } from './engine/dispatch';

/** The web UI build that vite writes (build/vite.config.ts). */
export const DEFAULT_STATIC_DIR = resolve(
  fileURLToPath(new URL('..', import.meta.url)),
  'dist/renderer',
);

/** The migrated empty database the engine bundle build leaves (build/engine-bundle.mjs). */
export const DEFAULT_FRESH_DATABASE = resolve(
  fileURLToPath(new URL('..', import.meta.url)),
  'dist/engine/fresh-engine.db',
);

export interface ComposeOptions {
  readonly dataDir: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Serve HTTPS with the data dir's self-signed certificate. */
  readonly tls?: boolean;
  /** admin@internal password on a new data dir. */
  readonly adminPassword?: string;
  readonly staticDir?: string;
  readonly bodyLimit?: number;
  /** Replaces the local host agent (only for tests that say why). */
  readonly hostAgent?: HostAgent;
  /** Issue 17: `host:port` where remote hosts enroll (see EngineOptions.hostEnrollmentListen). */
  readonly hostEnrollmentListen?: string;
}

export interface Composed {
  readonly engine: StartedEngine;
  readonly api: ApiServer;
  readonly address: AddressInfo;
  /** `http://127.0.0.1:PORT` (or https). */
  readonly origin: string;
  /** The generated admin password on a new data dir, else null. */
  readonly initialAdminPassword: string | null;
  /** Path of the TLS certificate when TLS is on. */
  readonly certPath: string | null;
  close(): Promise<void>;
}

function instanceIdOf(dataDir: string): string {
  const file = join(dataDir, 'instance-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, `${id}\n`, { mode: 0o644 });
  return id;
}

/**
 * Starts everything and listens. On failure, whatever was started is closed again.
 * @throws when the listen address is refused, the engine cannot start or the port is taken
 */
export async function compose(opts: ComposeOptions): Promise<Composed> {
  const host = opts.host ?? '127.0.0.1';
  const tls = opts.tls ?? false;
  checkListenAddress(host, tls);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const material = tls ? await ensureSelfSignedCert(opts.dataDir, [host]) : null;
  const hostAgent =
    opts.hostAgent ?? createLocalHostAgent({ stateDir: join(opts.dataDir, 'host') });
  let engine: StartedEngine;
  try {
    engine = await createEngine({
      dataDir: opts.dataDir,
      hostAgent,
      deferStartupWork: true,
      freshDatabase: DEFAULT_FRESH_DATABASE,
      // The local agent reports this machine's hostname: no need to wait for its capabilities.
      ...(opts.hostAgent === undefined ? { hostAddress: hostname() } : {}),
      ...(opts.adminPassword !== undefined ? { adminPassword: opts.adminPassword } : {}),
      ...(opts.hostEnrollmentListen ? { hostEnrollmentListen: opts.hostEnrollmentListen } : {}),
      connectRemoteHost: connectRemoteHostAgent,
    });
  } catch (err) {
    await hostAgent.close().catch(() => undefined);
    throw err;
  }
  const api = createApiServer({
    engine,
    staticDir: opts.staticDir ?? DEFAULT_STATIC_DIR,
    instanceId: instanceIdOf(opts.dataDir),
    ...(material ? { tls: { key: material.key, cert: material.cert } } : {}),
    ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
  });
  let address: AddressInfo;
  try {
    address = await api.listen(host, opts.port);
  } catch (err) {
    await engine.close();
    await hostAgent.close().catch(() => undefined);
    throw err;
  }
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | null = null;
  return {
    engine,
    api,
    address,
    origin: `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    initialAdminPassword: engine.initialAdminPassword,
    certPath: material?.certPath ?? null,
    close: () => {
      closed ??= (async () => {
        await api.close();
        await engine.close();
        await hostAgent.close();
      })();
      return closed;
    },
  };
}
