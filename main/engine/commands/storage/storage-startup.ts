// SPDX-License-Identifier: Apache-2.0
/**
 * Storage at engine start: settle interrupted storage commands, create the local data domain
 * `local` (oVirt localfs, attached to `Default`) on first start, sweep `.partial` files a
 * crash left, end transfers the restart interrupted, give every VM its `Active VM` snapshot,
 * retire legacy in-place disk paths (issue 10 item 9), and register bundled images (template
 * `debian-12`) in the background: `locked` while copying, then `ok`; idempotent by hash.
 */
import { randomUUID } from 'node:crypto';

import { diskAttachmentsRepo, disksRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import { imageTransfersRepo } from '../../../../db/repos/image-transfers.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import { storageDomainsRepo } from '../../../../db/repos/storage-domains.repo';
import { templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import type { BundledImage } from '../../../../libvirt/host-agent';
import { DEFAULT_DATA_CENTER_ID } from '../../../contract/data-centers';
import { HostError, HostErrorCode } from '../../../contract/errors';
import { ACTIVE_VM_SNAPSHOT_DESCRIPTION } from '../../../contract/snapshots';
import { LOCAL_STORAGE_DOMAIN_NAME } from '../../../contract/storage-domains';
import type { EngineContext, EngineServices } from '../../context';
import { startTransferTimeouts, stopTransferTimeouts } from '../image-transfer/transfer-timeouts';
import { createDisks } from './create-disks';
import { removeDisks } from './disk-ops';
import { planNewDisk } from './new-disk';
import { auditStorage, recoverStorageIntents } from './storage-intents';
import { drainJobs } from './storage-jobs';
import { diskFormatOf } from './storage-paths';

const MiB = 1024 ** 2;

/** Create the `local` domain on first start. Returns its row id, or null if the host refused. */
async function ensureLocalDomain(ctx: EngineServices, path: string): Promise<void> {
  const db = ctx.database;
  if (storageDomainsRepo.findByName(db.db, LOCAL_STORAGE_DOMAIN_NAME)) return;
  await ctx.host.prepareStorageDomain(path);
  db.transaction((tx) => {
    storageDomainsRepo.insert(tx, {
      id: randomUUID(),
      name: LOCAL_STORAGE_DOMAIN_NAME,
      description: 'Local data storage domain created on first start',
      path,
      dataCenterId: DEFAULT_DATA_CENTER_ID,
      status: 'active',
      master: storageDomainsRepo.listByDataCenter(tx, DEFAULT_DATA_CENTER_ID).length === 0,
    });
  });
}

function retireLegacy(ctx: EngineServices): void {
  const db = ctx.database;
  for (const vm of vmsRepo.list(db.db)) {
    if (!snapshotsRepo.active(db.db, vm.id))
      db.transaction((tx) => {
        snapshotsRepo.insert(tx, {
          id: randomUUID(),
          vmId: vm.id,
          type: 'active',
          status: 'ok',
          description: ACTIVE_VM_SNAPSHOT_DESCRIPTION,
        });
      });
    if (vm.boot.kind === 'disk') {
      db.transaction((tx) => {
        vmsRepo.update(tx, vm.id, {
          diskPath: null,
          bootKind: diskAttachmentsRepo.listRowsByVm(tx, vm.id).length > 0 ? 'disks' : 'none',
        });
      });
      auditStorage(
        ctx,
        'VM_LEGACY_DISK_PATH_RETIRED',
        'warning',
        `VM ${vm.name} booted the host file ${vm.boot.diskPath} in place; that is no longer allowed. Put the file under a storage domain's import/ directory and use ImportImage with the VM.`,
        vm.id,
      );
    }
  }
}

/**
 * Volumes the database calls `ok` whose file is gone (deleted by hand, a lost disk): their
 * disk becomes `illegal`, never silently `ok`. Unknown files are left alone (not ours to judge).
 */
async function reconcileVolumes(ctx: EngineServices): Promise<void> {
  const db = ctx.database;
  for (const v of volumesRepo.listAll(db.db)) {
    if (v.status !== 'ok') continue;
    const missing = await ctx.host.volumeInfo(v.path).then(
      () => false,
      (e: unknown) => e instanceof HostError && e.code === HostErrorCode.VOLUME_NOT_FOUND,
    );
    if (!missing) continue;
    db.transaction((tx) => {
      volumesRepo.update(tx, v.id, { status: 'illegal' });
      disksRepo.update(tx, v.diskId, {
        status: 'illegal',
        statusDetail: `volume file ${v.path} is missing`,
      });
    });
    auditStorage(
      ctx,
      'DISK_VOLUME_MISSING',
      'error',
      `Volume ${v.path} of disk ${v.diskId} is missing; the disk is illegal.`,
    );
  }
}

/** Register one bundled image as a template (background copy). */
async function registerBundled(ctx: EngineContext, image: BundledImage): Promise<void> {
  const db = ctx.database;
  const existing = templatesRepo.findBundled(db.db, image.name);
  if (existing) {
    // Registered (maybe by an older build): templates are not replaced under VMs. A copy a
    // crash interrupted left it `illegal` (its files removed by the roll back): with no VM on
    // it, drop that registration and copy again, instead of an unusable template for good.
    if (
      templatesRepo.findById(db.db, existing.id)?.status !== 'illegal' ||
      vmsRepo.listByTemplate(db.db, existing.id).length > 0
    )
      return;
    const diskIds = diskAttachmentsRepo.listRowsByTemplate(db.db, existing.id).map((a) => a.diskId);
    await removeDisks(ctx, 'RegisterBundledImage', 'template-remove', diskIds, (tx) => {
      templatesRepo.delete(tx, existing.id);
    });
    auditStorage(
      ctx,
      'BUNDLED_TEMPLATE_REREGISTERED',
      'warning',
      `Template ${image.name} was illegal (its first copy was interrupted); copying it again.`,
    );
  }
  const domain = storageDomainsRepo.findByName(db.db, LOCAL_STORAGE_DOMAIN_NAME);
  if (!domain) return;
  const id = randomUUID();
  const format = diskFormatOf(image.format);
  const disk = planNewDisk({
    alias: `${image.name}_disk`,
    description: image.description,
    format: 'cow',
    sparse: true,
    provisionedSize: image.virtualSize,
    contentType: 'data',
    wipeAfterDelete: false,
    domain,
    source: { kind: 'copy', sourcePath: image.path, allocation: image.virtualSize },
    snapshotId: null,
    attach: {
      templateId: id,
      interface: 'virtio',
      bootable: true,
      active: true,
      readOnly: false,
      passDiscard: false,
    },
  });
  await createDisks(ctx, {
    command: 'RegisterBundledImage',
    kind: 'template-create',
    disks: [disk],
    before: (tx) => {
      templatesRepo.insert(tx, {
        id,
        name: image.name,
        description: `${image.description} (bundled ${format} image)`,
        memoryBytes: 512 * MiB,
        vcpus: 1,
        boot: 'disks',
        status: 'locked',
        bundledHash: image.hash,
      });
    },
    after: (tx) => {
      templatesRepo.update(tx, id, { status: 'ok' });
    },
    templates: [id],
    description: `Registering bundled image ${image.name} as a template`,
    auditCode: 'BUNDLED_TEMPLATE_REGISTERED',
  });
  ctx.events.entity('template', id, 'added');
}

/**
 * Everything above, in order. Never throws: storage trouble is reported as events and the
 * engine keeps serving.
 */
export async function startStorage(ctx: EngineContext, storageDir: string): Promise<void> {
  const safely = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      auditStorage(
        ctx,
        'STORAGE_STARTUP_FAILED',
        'error',
        `${what}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  };
  await safely('recovering interrupted storage commands', () => recoverStorageIntents(ctx));
  await safely('creating the local storage domain', () => ensureLocalDomain(ctx, storageDir));
  for (const d of storageDomainsRepo.list(ctx.database.db))
    await safely(`sweeping ${d.path}`, () => ctx.host.removeStalePartials(d.path));
  // A restart ends every transfer (the data plane lost its tickets); their intents were settled above.
  ctx.database.transaction((tx) => {
    for (const t of imageTransfersRepo.listOpen(tx))
      imageTransfersRepo.update(tx, t.id, {
        phase: 'finished_failure',
        message: 'interrupted by an engine restart',
      });
  });
  await safely('reconciling volumes with their files', () => reconcileVolumes(ctx));
  await safely('retiring legacy disk paths', () => {
    retireLegacy(ctx);
    return Promise.resolve();
  });
  startTransferTimeouts(ctx);
  await safely('registering bundled images', async () => {
    for (const image of await ctx.host.bundledImages()) await registerBundled(ctx, image);
  });
}

/** Wait for background storage jobs (engine shutdown, tests). */
export const stopStorage = (ctx: EngineServices): Promise<void> => {
  stopTransferTimeouts(ctx);
  return drainJobs(ctx.database);
};
