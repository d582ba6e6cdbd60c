// SPDX-License-Identifier: Apache-2.0
/**
 * A self-signed certificate kept in the data dir, for serving the API over TLS (needed when
 * listening beyond loopback, and by clients such as libgovirt that only speak https).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  readonly key: Buffer;
  readonly cert: Buffer;
  readonly certPath: string;
}

/**
 * Returns the data dir's key and certificate, creating them with `openssl` on first use
 * (RSA 2048, 10 years, CN and SAN for localhost and 127.0.0.1 plus `extraNames`).
 * @throws when openssl is missing or fails
 */
export async function ensureSelfSignedCert(
  dataDir: string,
  extraNames: readonly string[] = [],
): Promise<TlsMaterial> {
  const keyPath = join(dataDir, 'tls-key.pem');
  const certPath = join(dataDir, 'tls-cert.pem');
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    const names = [
      'DNS:localhost',
      'IP:127.0.0.1',
      ...extraNames.map((n) => (/^\d+\.\d+\.\d+\.\d+$/.test(n) ? `IP:${n}` : `DNS:${n}`)),
    ];
    await run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '3650',
        '-subj',
        '/CN=localhost/O=aio-lab',
        '-addext',
        `subjectAltName=${names.join(',')}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { timeout: 60_000 },
    );
    await chmod(keyPath, 0o600);
  }
  return { key: await readFile(keyPath), cert: await readFile(certPath), certPath };
}
