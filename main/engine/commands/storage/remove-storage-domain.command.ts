// SPDX-License-Identifier: Apache-2.0
/** RemoveStorageDomain: only an empty domain; its directory is left on the host. */
import { disksRepo } from '../../../../db/repos/disks.repo';
import {
  type StorageDomainRow,
  storageDomainsRepo,
} from '../../../../db/repos/storage-domains.repo';
import { defineCommand } from '../../command';
import { failWith, invalid, notFound, valid } from '../../validation';

export const RemoveStorageDomainCommand = defineCommand<'RemoveStorageDomain', StorageDomainRow>({
  action: 'remove',
  type: 'Storage',
  auditCode: 'USER_REMOVE_STORAGE_DOMAIN',
  locks: (_ctx, input) => [`storage-domain:${input.id}`, 'storage-domain-paths'],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const d = storageDomainsRepo.findById(c, input.id);
    if (!d) throw notFound('storage_domain', input.id);
    const disks = disksRepo.listByStorageDomain(c, d.id);
    const f = failWith('ACTION_TYPE_FAILED_STORAGE_DOMAIN_CONTAINS_DISKS', {
      diskAliases: disks.map((x) => x.name).join(', '),
    }).when(disks.length > 0);
    return f ? invalid(f) : valid(d);
  },
  execute: (ctx, input) => {
    ctx.database.transaction((tx) => {
      storageDomainsRepo.delete(tx, input.id);
    });
    ctx.events.entity('storage_domain', input.id, 'removed');
    return Promise.resolve(null);
  },
  subject: (input, d) => ({
    description: `Storage Domain ${d?.name ?? input.id}`,
    dataCenterId: d?.dataCenterId ?? null,
  }),
});
