// SPDX-License-Identifier: Apache-2.0
/**
 * CloneVm (`POST /vms/{id}/clone`, oVirt CloneVmCommand): a down VM becomes a new VM with
 * independent copies of its disks (each chain collapsed, as `discard_snapshots=true`) and its
 * vNICs with new MAC addresses. The new VM is `image_locked` (and the source too) until the
 * copies finish.
 */
import { randomUUID } from 'node:crypto';

import { diskAttachmentsRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import {
  type StorageDomainRow,
  storageDomainsRepo,
} from '../../../../db/repos/storage-domains.repo';
import { initializationColumns, vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import { ACTIVE_VM_SNAPSHOT_DESCRIPTION } from '../../../contract/snapshots';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import { allocateMac } from '../../mac-pool';
import { CommandFailure, failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import {
  diskRows,
  resolveStorageDomain,
  validateDisksFree,
  validateVmDownForStorage,
} from '../../validators/storage.validator';
import { validateVmName } from '../../validators/vm.validator';
import { copyAllocation } from '../storage/chains';
import { createDisks } from '../storage/create-disks';
import { type NewDisk, planNewDisk } from '../storage/new-disk';

interface Plan {
  readonly source: Vm;
  readonly id: string;
  readonly snapshotId: string;
  readonly disks: readonly NewDisk[];
}

export const CloneVmCommand = defineCommand<'CloneVm', Plan>({
  action: 'clone',
  type: 'VM',
  auditCode: 'USER_CLONE_VM',
  locks: (_ctx, input) => [lockKey.vm(input.id), lockKey.vmName(input.name), 'mac-pool'],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const source = vmsRepo.findById(c, input.id);
    if (!source) throw notFound('vm', input.id);
    let target: StorageDomainRow | null = null;
    if (input.storageDomain) {
      const r = resolveStorageDomain(c, input.storageDomain);
      if (!r.ok) return invalid(r.failure);
      target = r.value;
    }
    const atts = diskAttachmentsRepo.listRowsByVm(c, source.id);
    const rows = diskRows(
      c,
      atts.map((a) => a.diskId),
    );
    const f = firstFailure(
      () => validateVmName(input.name),
      () =>
        failWith('ACTION_TYPE_FAILED_NAME_ALREADY_USED').when(
          vmsRepo.findByName(c, input.name) !== null,
        ),
      () => validateVmDownForStorage(source),
      () => validateDisksFree(c, rows),
    );
    if (f) return invalid(f);
    const id = randomUUID();
    const snapshotId = randomUUID();
    const disks: NewDisk[] = [];
    for (const a of atts) {
      const src = rows.find((d) => d.id === a.diskId);
      const top = volumesRepo.active(c, a.diskId);
      const domain = target ?? (src ? storageDomainsRepo.findById(c, src.storageDomainId) : null);
      if (!src || !top || !domain) continue;
      disks.push(
        planNewDisk({
          alias: `${input.name}_${src.alias}`,
          description: src.description,
          format: src.format,
          sparse: src.sparse,
          provisionedSize: src.provisionedSize,
          contentType: src.contentType,
          wipeAfterDelete: src.wipeAfterDelete,
          domain,
          source: {
            kind: 'copy',
            sourcePath: top.path,
            allocation: copyAllocation(c, src.id, src.provisionedSize),
          },
          snapshotId,
          attach: {
            vmId: id,
            interface: a.interface,
            bootable: a.bootable,
            active: a.active,
            readOnly: a.readOnly,
            passDiscard: a.passDiscard,
          },
        }),
      );
    }
    return valid({ source, id, snapshotId, disks });
  },
  execute: async (ctx, input, plan): Promise<Vm> => {
    const { source } = plan;
    const insert = (tx: Parameters<Parameters<typeof ctx.database.transaction>[0]>[0]): void => {
      vmsRepo.insert(tx, {
        id: plan.id,
        name: input.name,
        description: source.description,
        clusterId: source.clusterId,
        templateId: source.templateId,
        memoryBytes: source.memoryBytes,
        vcpus: source.vcpus,
        status: plan.disks.length > 0 ? 'image_locked' : 'down',
        bootKind: source.boot.kind === 'tiny' ? 'tiny' : plan.disks.length > 0 ? 'disks' : 'none',
        diskPath: null,
        // The stored one (password included), not the masked read.
        ...initializationColumns(vmsRepo.findInitialization(tx, source.id)),
      });
      snapshotsRepo.insert(tx, {
        id: plan.snapshotId,
        vmId: plan.id,
        type: 'active',
        status: 'ok',
        description: ACTIVE_VM_SNAPSHOT_DESCRIPTION,
      });
      for (const nic of vmNicsRepo.listByVm(tx, source.id)) {
        const mac = allocateMac(vmNicsRepo.allMacs(tx));
        if (mac === null)
          throw new CommandFailure('NETWORK_MAC_ADDRESS_IN_USE', { MacAddress: 'pool exhausted' });
        vmNicsRepo.insert(tx, {
          id: randomUUID(),
          vmId: plan.id,
          name: nic.name,
          interface: nic.interface,
          mac,
          vnicProfileId: nic.vnicProfileId,
          linked: nic.linked,
          plugged: nic.plugged,
        });
      }
      if (plan.disks.length > 0) vmsRepo.update(tx, source.id, { status: 'image_locked' });
    };
    if (plan.disks.length === 0) ctx.database.transaction(insert);
    else
      await createDisks(ctx, {
        command: 'CloneVm',
        kind: 'disk-copy',
        disks: plan.disks,
        before: insert,
        after: (tx) => {
          vmsRepo.update(tx, plan.id, { status: 'down' });
          vmsRepo.update(tx, source.id, { status: 'down' });
        },
        vms: [plan.id, source.id],
        description: `Cloning VM ${source.name} into ${input.name}`,
        auditCode: 'USER_CLONE_VM_FINISHED_SUCCESS',
        vmId: plan.id,
      });
    ctx.events.entity('vm', plan.id, 'added');
    ctx.events.entity('vm', source.id, 'updated');
    const vm = vmsRepo.findById(ctx.database.db, plan.id);
    if (!vm) throw notFound('vm', plan.id);
    return vm;
  },
  subject: (input, plan) => ({
    description: `VM ${input.name} (clone of ${plan?.source.name ?? input.id})`,
    vmId: plan?.id ?? null,
  }),
});
