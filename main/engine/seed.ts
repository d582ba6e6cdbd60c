// SPDX-License-Identifier: Apache-2.0
/**
 * First-start content, with oVirt's fixed ids where oVirt has them: data center `Default`
 * (58cfb470-…-0000000003bc), cluster `Default`, template `Blank` (00000000-…), template
 * `tiny` (the bundled demo guest), user `admin@internal`; and the local host with its NICs.
 */
import { randomUUID } from 'node:crypto';

import type { Database } from '../../db/client';
import { clustersRepo, dataCentersRepo } from '../../db/repos/data-centers.repo';
import { hostsRepo } from '../../db/repos/hosts.repo';
import { usersRepo } from '../../db/repos/users.repo';
import { templatesRepo } from '../../db/repos/vms.repo';
import type { HostCapabilities } from '../../libvirt/host-agent';
import { DEFAULT_DATA_CENTER_ID } from '../contract/data-centers';
import { BLANK_TEMPLATE_ID, BLANK_TEMPLATE_NAME, TINY_TEMPLATE_NAME } from '../contract/templates';
import { generatePassword, hashPassword } from './password';

const MiB = 1024 * 1024;
/** Fixed id of the `tiny` template, so tests and docs can name it. */
export const TINY_TEMPLATE_ID = '00000000-0000-0000-0000-0000000000aa';

/**
 * Seed a new database. Returns the generated admin password when one had to be made.
 */
export async function seedDatabase(
  database: Database,
  adminPassword: string | undefined,
): Promise<string | null> {
  const c = database.db;
  const needsAdmin = usersRepo.find(c, 'admin', 'internal') === null;
  let generated: string | null = null;
  let hash: string | null = null;
  if (needsAdmin) {
    const password = adminPassword ?? generatePassword();
    if (adminPassword === undefined) generated = password;
    hash = await hashPassword(password);
  }
  database.transaction((tx) => {
    if (!dataCentersRepo.findById(tx, DEFAULT_DATA_CENTER_ID)) {
      dataCentersRepo.insert(tx, {
        id: DEFAULT_DATA_CENTER_ID,
        name: 'Default',
        description: 'The default Data Center',
      });
    }
    if (!clustersRepo.findByName(tx, 'Default')) {
      clustersRepo.insert(tx, {
        id: randomUUID(),
        name: 'Default',
        description: 'The default server cluster',
        dataCenterId: DEFAULT_DATA_CENTER_ID,
      });
    }
    templatesRepo.insert(tx, {
      id: BLANK_TEMPLATE_ID,
      name: BLANK_TEMPLATE_NAME,
      description: 'Blank template',
      memoryBytes: 1024 * MiB,
      vcpus: 1,
      boot: 'none',
    });
    templatesRepo.insert(tx, {
      id: TINY_TEMPLATE_ID,
      name: TINY_TEMPLATE_NAME,
      description: 'Tiny demo guest (busybox, boots offline in seconds)',
      memoryBytes: 192 * MiB,
      vcpus: 1,
      boot: 'tiny',
    });
    if (hash !== null)
      usersRepo.insert(tx, {
        id: randomUUID(),
        name: 'admin',
        domain: 'internal',
        passwordHash: hash,
        admin: true,
      });
  });
  return generated;
}

/** Register the local host on first start (in the Default cluster); returns its id. */
export function registerLocalHost(
  database: Database,
  caps: HostCapabilities,
  name: string | undefined,
): string {
  const existing = hostsRepo.list(database.db)[0];
  if (existing) return existing.id;
  const id = randomUUID();
  const cluster = clustersRepo.findByName(database.db, 'Default');
  if (!cluster) throw new Error('Default cluster missing');
  database.transaction((tx) => {
    hostsRepo.insert(tx, {
      id,
      name: name ?? caps.hostname,
      address: caps.hostname,
      clusterId: cluster.id,
      status: 'initializing',
    });
  });
  return id;
}
