// SPDX-License-Identifier: Apache-2.0
/**
 * AddStorageDomain (oVirt AddLocalStorageDomainCommand): a `data`/`localfs` domain in a
 * directory of this machine, attached to the host's local data center (the first data
 * domain there is master). As VDSM, a new domain needs an empty (or missing) directory, so
 * an existing directory's files can never be taken over (issue 10 item 9).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';

import { dataCentersRepo } from '../../../../db/repos/data-centers.repo';
import { clustersRepo } from '../../../../db/repos/data-centers.repo';
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { storageDomainsRepo } from '../../../../db/repos/storage-domains.repo';
import type { StorageDomain } from '../../../contract/storage-domains';
import { defineCommand } from '../../command';
import { hostFailure } from '../../host-networks';
import { resolveDataCenter } from '../../resolve';
import { CommandFailure, failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateDiskName } from '../../validators/storage.validator';
import { storageDomainView } from '../../views';
import { canonicalDomainPath, isInside } from './storage-paths';

interface Plan {
  readonly id: string;
  readonly path: string;
  readonly dataCenterId: string;
  readonly master: boolean;
}

/** Directories that must never become (or contain) a storage domain. */
const SYSTEM_DIRS = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var/lib/libvirt',
];

export const AddStorageDomainCommand = defineCommand<'AddStorageDomain', Plan>({
  action: 'add',
  type: 'Storage',
  auditCode: 'USER_ADD_STORAGE_DOMAIN',
  locks: (_ctx, input) => [`storage-domain-name:${input.name}`, 'storage-domain-paths'],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const path = canonicalDomainPath(input.storage.path);
    const hostRef = input.host;
    const host =
      hostRef === undefined
        ? hostsRepo.findById(c, ctx.localHostId)
        : (hostsRepo.list(c).find((h) => h.id === hostRef.id || h.name === hostRef.name) ?? null);
    if (!host) return invalid(failWith('ACTION_TYPE_FAILED_HOST_NOT_EXIST').failure);
    const hostDc = clustersRepo.findById(c, host.clusterId)?.dataCenterId ?? null;
    const dc =
      input.dataCenter === undefined
        ? hostDc === null
          ? null
          : dataCentersRepo.findById(c, hostDc)
        : (() => {
            const r = resolveDataCenter(c, input.dataCenter);
            return r.ok ? r.value : null;
          })();
    if (!dc) return invalid(failWith('ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST').failure);
    const others = storageDomainsRepo.list(c);
    const f = firstFailure(
      () => validateDiskName(input.name),
      () =>
        failWith('ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST').when(
          others.some((d) => d.name === input.name),
        ),
      () =>
        failWith('VALIDATION_STORAGE_CONNECTION_INVALID', {
          detail: 'the path must be an absolute directory other than /',
        }).when(path === null),
      () =>
        failWith('VALIDATION_STORAGE_CONNECTION_INVALID', {
          detail: `${path ?? ''} is a system directory`,
        }).when(
          path !== null &&
            SYSTEM_DIRS.some((s) => path === s || isInside(path, s) || isInside(s, path)),
        ),
      () =>
        failWith('ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS', {
          path: path ?? '',
        }).when(
          path !== null &&
            others.some((d) => d.path === path || isInside(path, d.path) || isInside(d.path, path)),
        ),
      () => failWith('ACTION_TYPE_FAILED_STORAGE_POOL_IS_NOT_LOCAL').when(!dc.local),
      () =>
        failWith('ACTION_TYPE_FAILED_STORAGE_POOL_IS_NOT_LOCAL').when(
          hostDc !== null && hostDc !== dc.id,
        ),
    );
    if (f || path === null)
      return invalid(f ?? failWith('VALIDATION_STORAGE_CONNECTION_INVALID').failure);
    const master = !others.some((d) => d.dataCenterId === dc.id && d.master);
    return valid({ id: randomUUID(), path, dataCenterId: dc.id, master });
  },
  execute: async (ctx, input, plan): Promise<StorageDomain> => {
    let entries: string[] = [];
    try {
      entries = readdirSync(plan.path);
    } catch {
      // Missing: the host layer creates it.
    }
    if (entries.length > 0)
      throw new CommandFailure('VALIDATION_STORAGE_CONNECTION_INVALID', {
        detail: `${plan.path} is not empty (a new localfs domain needs an empty directory)`,
      });
    await ctx.host.prepareStorageDomain(plan.path).catch((e: unknown) => {
      throw hostFailure(e);
    });
    ctx.database.transaction((tx) => {
      storageDomainsRepo.insert(tx, {
        id: plan.id,
        name: input.name,
        description: input.description ?? '',
        comment: input.comment ?? '',
        type: 'data',
        storageType: 'localfs',
        path: plan.path,
        dataCenterId: plan.dataCenterId,
        status: 'active',
        master: plan.master,
        ...(input.warningLowSpaceIndicator === undefined
          ? {}
          : { warningLowSpaceIndicator: input.warningLowSpaceIndicator }),
        ...(input.criticalSpaceActionBlocker === undefined
          ? {}
          : { criticalSpaceActionBlocker: input.criticalSpaceActionBlocker }),
      });
    });
    ctx.events.entity('storage_domain', plan.id, 'added');
    const row = storageDomainsRepo.findById(ctx.database.db, plan.id);
    if (!row) throw notFound('storage_domain', plan.id);
    return storageDomainView(ctx, row);
  },
  subject: (input, plan) => ({
    description: `Storage Domain ${input.name}`,
    dataCenterId: plan?.dataCenterId ?? null,
  }),
});
