// SPDX-License-Identifier: Apache-2.0
/** Storage domain queries: list, by id (with space read from the host), disks of a domain. */
import { disksRepo } from '../../../db/repos/disks.repo';
import { storageDomainsRepo } from '../../../db/repos/storage-domains.repo';
import type { Query } from '../command';
import { storageDomainView } from '../views';
import { must } from './must';

export const GetAllStorageDomains: Query<'GetAllStorageDomains'> = (ctx) =>
  Promise.all(storageDomainsRepo.list(ctx.database.db).map((r) => storageDomainView(ctx, r)));

export const GetStorageDomainById: Query<'GetStorageDomainById'> = (ctx, i) =>
  storageDomainView(
    ctx,
    must(storageDomainsRepo.findById(ctx.database.db, i.id), 'storage_domain', i.id),
  );

export const GetDisksByStorageDomainId: Query<'GetDisksByStorageDomainId'> = (ctx, i) => {
  must(
    storageDomainsRepo.findById(ctx.database.db, i.storageDomainId),
    'storage_domain',
    i.storageDomainId,
  );
  return disksRepo.listByStorageDomain(ctx.database.db, i.storageDomainId);
};
