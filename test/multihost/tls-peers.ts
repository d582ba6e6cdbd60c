// SPDX-License-Identifier: Apache-2.0
/** Test helpers: certificates from a CA the engine never saw, and a raw TLS client. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

/** A self-signed CA of its own and a leaf it signed with subject CN `cn`, in `dir`. */
export async function foreignCertificate(
  dir: string,
  cn: string,
): Promise<KeyPair & { ca: string }> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const f = (n: string): string => join(dir, n);
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('fca.key'),
    '-out',
    f('fca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=not the engine CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  await run('openssl', [
    'req',
    '-new',
    ...ec,
    '-keyout',
    f('leaf.key'),
    '-out',
    f('leaf.csr'),
    '-subj',
    `/CN=${cn}`,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('leaf.csr'),
    '-CA',
    f('fca.pem'),
    '-CAkey',
    f('fca.key'),
    '-set_serial',
    '7',
    '-days',
    '2',
    '-out',
    f('leaf.pem'),
  ]);
  return {
    key: await readFile(f('leaf.key'), 'utf8'),
    cert: await readFile(f('leaf.pem'), 'utf8'),
    ca: await readFile(f('fca.pem'), 'utf8'),
  };
}

/**
 * Connect to an agent with `identity` (or none), send a ping and report what came back before
 * the agent closed the connection (or 3 s passed).
 */
export async function pingAs(
  host: string,
  port: number,
  identity: KeyPair | null,
): Promise<{ answered: boolean; error: string | null }> {
  return new Promise((resolve) => {
    let data = '';
    let error: string | null = null;
    const s = connect({
      host,
      port,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      ...(identity ? { key: identity.key, cert: identity.cert } : {}),
    });
    const done = (): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ answered: data.includes('pong'), error });
    };
    const timer = setTimeout(done, 3_000);
    s.on('secureConnect', () => {
      s.write(`${JSON.stringify({ id: 1, method: 'ping', params: [] })}\n`);
    });
    s.on('data', (d: Buffer) => {
      data += d.toString();
      if (data.includes('\n')) done();
    });
    s.on('error', (e: Error) => {
      error = e.message;
    });
    s.on('close', done);
  });
}
