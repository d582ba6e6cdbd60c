// SPDX-License-Identifier: Apache-2.0
/**
 * A host's side of enrollment (kubeadm's `join --token … --discovery-token-ca-cert-hash`):
 * the host makes its own key (it never leaves the host) and a certificate request, checks
 * that the engine it talks to holds the CA whose hash the admin copied from the engine
 * (`sha256:<hex>`), and only then hands over the one-time token with the request. The engine
 * answers with the host's certificate, signed by its CA.
 */
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { promisify } from 'node:util';

import { ENGINE_CN } from './protocol';
import type { AgentTlsMaterial } from './server';

const run = promisify(execFile);

export interface EnrollOptions {
  /** The engine's enrollment endpoint, `host:port`. */
  readonly engine: string;
  readonly token: string;
  /** `sha256:<hex>` of the engine CA certificate, as the engine shows it. */
  readonly caHash: string;
  /** Where key.pem, cert.pem and ca.pem are kept (mode 0600 / 0700). */
  readonly stateDir: string;
}

const files = (stateDir: string): { key: string; cert: string; ca: string } => ({
  key: join(stateDir, 'pki', 'key.pem'),
  cert: join(stateDir, 'pki', 'cert.pem'),
  ca: join(stateDir, 'pki', 'ca.pem'),
});

/** The host's TLS material from an earlier enrollment, or null. */
export async function loadEnrollment(stateDir: string): Promise<AgentTlsMaterial | null> {
  const f = files(stateDir);
  if (!existsSync(f.key) || !existsSync(f.cert) || !existsSync(f.ca)) return null;
  return {
    key: await readFile(f.key, 'utf8'),
    cert: await readFile(f.cert, 'utf8'),
    ca: await readFile(f.ca, 'utf8'),
  };
}

const splitHostPort = (s: string): { host: string; port: number } => {
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`engine must be host:port, not ${s}`);
  return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port };
};

const sha256 = (der: Buffer): string => `sha256:${createHash('sha256').update(der).digest('hex')}`;

/**
 * Fetch the engine's certificate chain without trusting it yet, and return the CA certificate
 * in it whose hash is `caHash`. Nothing is sent on this connection.
 * @throws when no certificate of the chain has that hash
 */
async function pinnedCa(host: string, port: number, caHash: string): Promise<string> {
  const chain = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
    const s = connect({ host, port, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    s.setTimeout(5_000, () => s.destroy(new Error('engine did not answer in 5 s')));
    s.once('secureConnect', () => {
      const c = s.getPeerCertificate(true);
      s.end();
      resolve(c);
    });
    s.once('error', reject);
  });
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = chain; c?.raw; c = c.issuerCertificate) {
    const h = sha256(c.raw);
    if (seen.has(h)) break;
    seen.add(h);
    if (h === caHash.toLowerCase()) {
      const x = new X509Certificate(c.raw);
      if (!x.ca) break;
      return x.toString();
    }
  }
  throw new Error(`the engine at ${host}:${port} does not hold the CA ${caHash}: not enrolling`);
}

/** Enroll this host with the engine; writes and returns the TLS material. */
export async function enroll(options: EnrollOptions): Promise<AgentTlsMaterial> {
  const { host, port } = splitHostPort(options.engine);
  const ca = await pinnedCa(host, port, options.caHash);
  const f = files(options.stateDir);
  await mkdir(join(options.stateDir, 'pki'), { recursive: true, mode: 0o700 });
  const csrPath = join(options.stateDir, 'pki', 'request.csr');
  await run(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${f.key}.new`,
      '-out',
      csrPath,
      '-subj',
      '/CN=aio-host',
    ],
    { timeout: 30_000 },
  );
  await chmod(`${f.key}.new`, 0o600);
  const csr = await readFile(csrPath, 'utf8');
  await rm(csrPath, { force: true });
  const body = JSON.stringify({ token: options.token, csr });
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        method: 'POST',
        path: '/enroll',
        ca,
        minVersion: 'TLSv1.3',
        checkServerIdentity: (_n, cert) =>
          cert.subject.CN === ENGINE_CN ? undefined : new Error('not the engine'),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('enrollment timed out')));
    req.on('error', reject);
    req.end(body);
  });
  if (answer.status !== 200) {
    await rm(`${f.key}.new`, { force: true });
    let why = answer.text;
    try {
      why = (JSON.parse(answer.text) as { error?: string }).error ?? why;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`the engine refused the enrollment (${answer.status}): ${why}`);
  }
  const { certificate } = JSON.parse(answer.text) as { certificate: string };
  await writeFile(f.cert, certificate, { mode: 0o644 });
  await writeFile(f.ca, ca, { mode: 0o644 });
  await writeFile(f.key, await readFile(`${f.key}.new`), { mode: 0o600 });
  await rm(`${f.key}.new`, { force: true });
  return { key: await readFile(f.key, 'utf8'), cert: certificate, ca };
}
