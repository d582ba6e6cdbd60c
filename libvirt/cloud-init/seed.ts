// SPDX-License-Identifier: Apache-2.0
/**
 * Build a VM's cloud-init NoCloud seed: hash the password (`openssl passwd -6`, password on
 * stdin so it never appears in a process list or an error message), render the files
 * (seed-files.ts) into a private temporary directory, and pack them with Debian's `xorriso`
 * into an ISO 9660 volume labelled `cidata` (Joliet + Rock Ridge, as `cloud-localds` does).
 * The ISO is written under a temporary name, made 0600, and renamed into place, so a VM never
 * sees half a seed.
 */
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run } from '../exec';
import type { CloudInitSeed, CloudInitSeedRequest } from '../host-agent';
import { renderSeedFiles, seedProblems } from './seed-files';

/** Volume label NoCloud looks for. */
export const SEED_LABEL = 'cidata';

/** Where a VM's seed lives in the agent's state directory. */
export function seedPath(stateDir: string, vmId: string): string {
  // The id becomes a file name: nothing but letters, digits and dashes (no `..`, no `/`).
  if (!/^[A-Za-z0-9-]{1,64}$/.test(vmId)) {
    throw new HostError(
      HostErrorCode.HOST_NETWORK_INVALID,
      `vm id ${JSON.stringify(vmId)} is not valid`,
    );
  }
  return join(stateDir, 'cloud-init', `${vmId}.iso`);
}

/** SHA-512 crypt (`$6$…`) of a password, with a random salt. */
export async function hashPassword(password: string): Promise<string> {
  const { stdout } = await run('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n` });
  const hash = stdout.trim();
  if (!hash.startsWith('$6$')) {
    throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, 'openssl passwd gave no SHA-512 hash');
  }
  return hash;
}

/**
 * Build the seed ISO of `request` in `stateDir`.
 * @throws HostError HOST_NETWORK_INVALID (invalid initialization; nothing written),
 *   HOST_COMMAND_FAILED (openssl or xorriso failed; nothing left behind)
 */
export async function buildSeed(
  stateDir: string,
  request: CloudInitSeedRequest,
): Promise<CloudInitSeed> {
  const problems = seedProblems(request);
  if (problems.length > 0) {
    throw new HostError(
      HostErrorCode.HOST_NETWORK_INVALID,
      `initialization: ${problems.join('; ')}`,
      problems.join('\n'),
    );
  }
  const init = request.initialization;
  const hash = init.rootPassword === undefined ? null : await hashPassword(init.rootPassword);
  const files = renderSeedFiles(request, hash);
  const path = seedPath(stateDir, request.vmId);
  await mkdir(join(stateDir, 'cloud-init'), { recursive: true, mode: 0o700 });
  // mkdtemp creates the directory 0700: the password hash is never readable by others.
  const work = await mkdtemp(join(stateDir, 'cloud-init', `.${request.vmId}-`));
  const partial = `${path}.partial`;
  try {
    const contents = join(work, 'contents');
    await mkdir(contents, { mode: 0o700 });
    const names = ['meta-data', 'user-data'];
    await writeFile(join(contents, 'meta-data'), files.metaData, { mode: 0o600 });
    await writeFile(join(contents, 'user-data'), files.userData, { mode: 0o600 });
    if (files.networkConfig !== '') {
      await writeFile(join(contents, 'network-config'), files.networkConfig, { mode: 0o600 });
      names.push('network-config');
    }
    await rm(partial, { force: true });
    await run(
      'xorriso',
      [
        '-as',
        'mkisofs',
        '-quiet',
        '-output',
        partial,
        '-volid',
        SEED_LABEL,
        '-joliet',
        '-rock',
        ...names.map((n) => join(contents, n)),
      ],
      { timeoutMs: 60_000 },
    );
    await chmod(partial, 0o600);
    await rename(partial, path);
    return { path, instanceId: files.instanceId };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Delete a VM's seed; no-op when there is none. */
export async function removeSeed(stateDir: string, vmId: string): Promise<void> {
  await rm(seedPath(stateDir, vmId), { force: true });
}
