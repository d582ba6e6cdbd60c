// SPDX-License-Identifier: Apache-2.0
/**
 * Where a host enrolls (issue 17): `POST /enroll` with `{ token, csr }` over TLS, served with
 * the engine's certificate and the CA in its chain (the host pins the CA's hash before it
 * sends anything). The token is good once: it is cleared in the same transaction that finds
 * it, before the certificate is signed, so two racing requests cannot both use it. Anything
 * else — another path, a wrong, used or expired token, a bad request — gets a 4xx and no
 * certificate.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';

import { hostRemoteRepo } from '../../../db/repos/host-remote.repo';
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { auditRepo } from '../../../db/repos/users.repo';
import type { EngineServices } from '../context';
import { certFingerprintOf } from './fingerprint';
import { type EnginePki, signHostCsr } from './pki';

export interface EnrollmentServer {
  readonly server: Server;
  /** `host:port` actually bound. */
  readonly address: string;
  close(): Promise<void>;
}

/** Only the hash of a token is stored; this is how it is computed. */
export const tokenHash = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

const MAX_BODY = 64 * 1024;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

function audit(
  services: EngineServices,
  hostId: string,
  severity: 'normal' | 'warning',
  code: string,
  description: string,
): void {
  services.database.transaction((tx) => {
    const host = hostsRepo.findById(tx, hostId);
    const event = auditRepo.insert(tx, {
      time: new Date().toISOString(),
      severity,
      code,
      description,
      user: 'SYSTEM',
      correlationId: null,
      dataCenterId: null,
      clusterId: host?.clusterId ?? null,
      hostId,
      networkId: null,
      vmId: null,
    });
    services.events.publish({ type: 'audit', event });
  });
}

async function enrollOne(
  services: EngineServices,
  pki: EnginePki,
  raw: string,
  onEnrolled: (hostId: string) => void,
): Promise<Answer> {
  let req: { token?: unknown; csr?: unknown };
  try {
    req = JSON.parse(raw) as typeof req;
  } catch {
    return { status: 400, body: { error: 'the request is not JSON' } };
  }
  if (typeof req.token !== 'string' || typeof req.csr !== 'string')
    return { status: 400, body: { error: 'token and csr are required' } };
  const hash = tokenHash(req.token);
  const now = new Date().toISOString();
  // Find and clear in one transaction: a token is used at most once, even by racing requests.
  const claimed = services.database.transaction((tx) => {
    const row = hostRemoteRepo.findByTokenHash(tx, hash);
    if (!row) return { ok: false as const, why: 'unknown or already used enrollment token' };
    hostRemoteRepo.update(tx, row.hostId, { tokenHash: null, tokenExpiresAt: null });
    if (row.tokenExpiresAt !== null && row.tokenExpiresAt < now)
      return { ok: false as const, why: 'the enrollment token has expired' };
    return { ok: true as const, hostId: row.hostId };
  });
  if (!claimed.ok) return { status: 403, body: { error: claimed.why } };
  const { hostId } = claimed;
  let certificate: string;
  try {
    certificate = await signHostCsr(pki, req.csr, hostId);
  } catch (e) {
    audit(
      services,
      hostId,
      'warning',
      'VDS_INSTALL_FAILED',
      `Host enrollment failed: the certificate request was refused (${e instanceof Error ? e.message.split('\n')[0] : String(e)}).`,
    );
    return { status: 400, body: { error: 'the certificate request is not valid' } };
  }
  services.database.transaction((tx) => {
    hostRemoteRepo.update(tx, hostId, {
      certFingerprint: certFingerprintOf(certificate),
      enrolledAt: new Date().toISOString(),
    });
    hostsRepo.update(tx, hostId, {
      status: 'connecting',
      statusDetail: 'enrolled; waiting for the host agent to answer',
    });
  });
  const name = hostsRepo.findById(services.database.db, hostId)?.name ?? hostId;
  audit(services, hostId, 'normal', 'VDS_INSTALL', `Host ${name} enrolled (certificate signed).`);
  services.events.entity('host', hostId, 'updated');
  onEnrolled(hostId);
  return { status: 200, body: { certificate, ca: pki.ca } };
}

/** Listen on `host:port` (port 0: any free port). */
export async function startEnrollmentServer(
  services: EngineServices,
  pki: EnginePki,
  listen: string,
  onEnrolled: (hostId: string) => void,
): Promise<EnrollmentServer> {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(listen.slice(i + 1));
  const server = createServer(
    // The CA goes in the chain so a host can compare it with the hash it was given.
    { key: pki.key, cert: `${pki.cert.trim()}\n${pki.ca.trim()}\n`, minVersion: 'TLSv1.3' },
    (req, res) => {
      const send = (a: Answer): void => {
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body));
      };
      if (req.method !== 'POST' || req.url !== '/enroll') {
        send({ status: 404, body: { error: 'not found' } });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          send({ status: 413, body: { error: 'request too large' } });
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_BODY) return;
        enrollOne(services, pki, Buffer.concat(chunks).toString('utf8'), onEnrolled).then(
          send,
          (e: unknown) => {
            send({ status: 500, body: { error: e instanceof Error ? e.message : String(e) } });
          },
        );
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;
  return {
    server,
    address: `${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
