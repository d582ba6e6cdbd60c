// SPDX-License-Identifier: Apache-2.0
/**
 * First-start content, with oVirt's fixed ids where oVirt has them: data center `Default`
 * (58cfb470-…-0000000003bc), cluster `Default`, template `Blank` (00000000-…), template
 * `tiny` (the bundled demo guest), user `admin@internal`; and the local host with its NICs.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { Database } from '../../db/client';
import { clustersRepo, dataCentersRepo } from '../../db/repos/data-centers.repo';
import { hostsRepo } from '../../db/repos/hosts.repo';
import { usersRepo } from '../../db/repos/users.repo';
import { templatesRepo } from '../../db/repos/vms.repo';
import { DEFAULT_DATA_CENTER_ID } from '../contract/data-centers';
import { BLANK_TEMPLATE_ID, BLANK_TEMPLATE_NAME, TINY_TEMPLATE_NAME } from '../contract/templates';
import { generatePassword, hashPassword } from './password';

const MiB = 1024 * 1024;
/** Fixed id of the `tiny` template, so tests and docs can name it. */
export const TINY_TEMPLATE_ID = '00000000-0000-0000-0000-0000000000aa';

/**
 * admin@internal of a new data dir, whose scrypt hash is computed in the background
 * (start-up work). Its password is checked without scrypt while this process runs and the row
 * keeps the hash seeded here (a changed password goes through scrypt again).
 */
export interface PendingAdmin {
  /** The row id it gets: principals issued before the row exists carry it already. */
  readonly id: string;
  readonly name: 'admin';
  readonly domain: 'internal';
  /** Whether `password` is the seeded one (HMAC under a per-process key; no plaintext kept). */
  readonly matches: (password: string) => boolean;
  /** Resolves to the stored hash once the user row is stored. */
  readonly stored: Promise<string>;
}

export interface Seeded {
  /** The generated admin password when one had to be made. */
  readonly generated: string | null;
  /** Set on a new data dir: the admin's row follows when its hash is ready. */
  readonly pendingAdmin: PendingAdmin | null;
}

/** A constant-time check of a password against `password`, keeping only an HMAC of it. */
export function passwordMatcher(password: string): (candidate: string) => boolean {
  const key = randomBytes(32);
  const mac = (s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();
  const expected = mac(password);
  return (candidate) => timingSafeEqual(mac(candidate), expected);
}

/**
 * Seed a new database. Everything is stored at once except admin@internal, whose deliberately
 * slow scrypt hash is computed in the background (issue 14: not on the first answer's path);
 * its row is inserted when the hash is ready (`pendingAdmin.stored`).
 */
export function seedDatabase(database: Database, adminPassword: string | undefined): Seeded {
  const c = database.db;
  const needsAdmin = usersRepo.find(c, 'admin', 'internal') === null;
  let generated: string | null = null;
  let pendingAdmin: PendingAdmin | null = null;
  if (needsAdmin) {
    const password = adminPassword ?? generatePassword();
    if (adminPassword === undefined) generated = password;
    const id = randomUUID();
    const stored = hashPassword(password).then((passwordHash) => {
      database.transaction((tx) => {
        if (usersRepo.find(tx, 'admin', 'internal') !== null) return;
        usersRepo.insert(tx, { id, name: 'admin', domain: 'internal', passwordHash, admin: true });
      });
      return passwordHash;
    });
    // Awaited by the start-up work; a failure before that is not an unhandled rejection.
    stored.catch(() => undefined);
    pendingAdmin = {
      id,
      name: 'admin',
      domain: 'internal',
      matches: passwordMatcher(password),
      stored,
    };
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
  });
  return { generated, pendingAdmin };
}

/**
 * Register the local host on first start (in the Default cluster); returns its id.
 * `registration` (name and address) is needed only when there is no host yet.
 */
export function registerLocalHost(
  database: Database,
  registration: { readonly name: string; readonly address: string } | null,
): string {
  const existing = hostsRepo.list(database.db)[0];
  if (existing) return existing.id;
  if (registration === null) throw new Error('the local host has no name to register with');
  const id = randomUUID();
  const cluster = clustersRepo.findByName(database.db, 'Default');
  if (!cluster) throw new Error('Default cluster missing');
  database.transaction((tx) => {
    hostsRepo.insert(tx, {
      id,
      name: registration.name,
      address: registration.address,
      clusterId: cluster.id,
      status: 'initializing',
    });
  });
  return id;
}
