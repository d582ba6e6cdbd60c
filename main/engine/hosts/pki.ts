// SPDX-License-Identifier: Apache-2.0
/**
 * The engine's small certificate authority (oVirt keeps one in /etc/pki/ovirt-engine): kept in
 * `<dataDir>/pki`, it signs the engine's own certificate (client towards hosts, server for
 * enrollment) and each host's certificate at enrollment. Keys and certificates are made by
 * Debian's `openssl` (execFile, argument arrays); nothing here does cryptography itself.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ENGINE_CN, hostCn } from '../../../libvirt/host-agent';

const run = promisify(execFile);

export interface EnginePki {
  readonly dir: string;
  /** PEM of the CA certificate. */
  readonly ca: string;
  /** The engine's key and certificate (PEM). */
  readonly key: string;
  readonly cert: string;
  /** `sha256:<hex>` of the CA certificate's DER: what a host pins when it enrolls. */
  readonly caHash: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const LEAF_EXT = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth,clientAuth',
  '',
].join('\n');

const openssl = async (args: readonly string[]): Promise<string> =>
  (await run('openssl', [...args], { timeout: 30_000 })).stdout;

/** `sha256:<hex>` of a PEM certificate's DER encoding. */
export function certificateHash(pem: string): string {
  const der = new X509Certificate(pem).raw;
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

/** Sign `csrPath` with the CA, forcing the subject (a CSR's own subject is never trusted). */
async function signCsr(dir: string, csrPath: string, cn: string, outPath: string): Promise<void> {
  const ext = join(dir, `ext-${randomBytes(6).toString('hex')}.cnf`);
  await writeFile(ext, LEAF_EXT);
  try {
    await openssl(['req', '-verify', '-noout', '-in', csrPath]);
    await openssl([
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      join(dir, 'ca.pem'),
      '-CAkey',
      join(dir, 'ca-key.pem'),
      '-set_serial',
      `0x${randomBytes(16).toString('hex')}`,
      '-days',
      '825',
      '-sha256',
      '-subj',
      `/CN=${cn}`,
      '-extfile',
      ext,
      '-out',
      outPath,
    ]);
  } finally {
    await rm(ext, { force: true });
  }
}

/** Create (first start) or load the CA and the engine's certificate. */
export async function ensureEnginePki(dataDir: string): Promise<EnginePki> {
  const dir = join(dataDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, 'ca-key.pem');
  const caPem = join(dir, 'ca.pem');
  if (!existsSync(caKey) || !existsSync(caPem)) {
    await openssl([
      'req',
      '-x509',
      ...EC,
      '-keyout',
      caKey,
      '-out',
      caPem,
      '-days',
      '3650',
      '-sha256',
      '-subj',
      '/CN=AIO Lab engine CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await chmod(caKey, 0o600);
  }
  const key = join(dir, 'engine-key.pem');
  const cert = join(dir, 'engine.pem');
  if (!existsSync(key) || !existsSync(cert)) {
    const csr = join(dir, 'engine.csr');
    await openssl(['req', '-new', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${ENGINE_CN}`]);
    await chmod(key, 0o600);
    await signCsr(dir, csr, ENGINE_CN, cert);
    await rm(csr, { force: true });
  }
  const ca = await readFile(caPem, 'utf8');
  return {
    dir,
    ca,
    key: await readFile(key, 'utf8'),
    cert: await readFile(cert, 'utf8'),
    caHash: certificateHash(ca),
  };
}

/**
 * Sign a host's certificate request at enrollment: the subject is set to `host:<hostId>`
 * whatever the request says. @throws when the request is not a valid, self-signed CSR
 */
export async function signHostCsr(pki: EnginePki, csrPem: string, hostId: string): Promise<string> {
  const work = await mkdtemp(join(pki.dir, 'enroll-'));
  try {
    const csr = join(work, 'host.csr');
    const out = join(work, 'host.pem');
    await writeFile(csr, csrPem, { mode: 0o600 });
    await signCsr(pki.dir, csr, hostCn(hostId), out);
    return await readFile(out, 'utf8');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
