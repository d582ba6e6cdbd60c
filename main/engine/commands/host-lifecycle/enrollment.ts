// SPDX-License-Identifier: Apache-2.0
/** A one-time enrollment token for a remote host, and what the admin runs on the host. */
import { randomBytes } from 'node:crypto';

import type { Conn } from '../../../../db/client';
import { hostRemoteRepo } from '../../../../db/repos/host-remote.repo';
import type { HostEnrollment } from '../../../contract/host-lifecycle';
import type { Host } from '../../../contract/hosts';
import { tokenHash } from '../../hosts/enrollment-server';
import type { RemoteHosts } from '../../hosts/remote-hosts';

/** How long a token may wait for its host (oVirt's host-deploy has no token; kubeadm: 24 h). */
export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A fresh token: 32 random bytes, base64url. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Store the token's hash (the token itself is shown once and never kept). */
export function recordToken(tx: Conn, hostId: string, token: string, now = Date.now()): string {
  const expiresAt = new Date(now + TOKEN_LIFETIME_MS).toISOString();
  hostRemoteRepo.update(tx, hostId, { tokenHash: tokenHash(token), tokenExpiresAt: expiresAt });
  return expiresAt;
}

/** What POST /hosts (and renewal) answer: the token, the CA hash and the command line. */
export async function enrollmentOf(
  remote: RemoteHosts,
  host: Host,
  port: number,
  token: string,
  expiresAt: string,
): Promise<HostEnrollment> {
  const pki = await remote.ensurePki();
  const engine = remote.enrollmentAddress;
  const listen = `${host.address.includes(':') ? `[${host.address}]` : host.address}:${port}`;
  const command = [
    'npm run host-agent --',
    '--state-dir /var/lib/aio-host',
    `--listen ${listen}`,
    `--engine ${engine ?? 'ENGINE:PORT'}`,
    // `=`: a base64url token may start with `-`, which parseArgs would read as an option.
    `--token=${token}`,
    `--ca-hash ${pki.caHash}`,
  ].join(' ');
  return {
    host,
    token,
    expiresAt,
    caHash: pki.caHash,
    engineAddress: engine,
    command,
  };
}
