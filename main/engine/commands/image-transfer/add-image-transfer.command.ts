// SPDX-License-Identifier: Apache-2.0
/**
 * AddImageTransfer (`POST /imagetransfers`, oVirt TransferDiskImageCommand), engine side: the
 * disk is `locked` for the whole transfer; the ticket is the data plane's only credential.
 * Upload: the data plane writes a staging file in the disk's directory (created empty here);
 * finalize checks it (`qemu-img check`) and copies it into the disk. Download: the data plane
 * reads the disk's volume, or a staging copy in the requested format (collapsed chain).
 * Phase `initializing` → `transferring` once the file is ready.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';

import { diskAttachmentsRepo, type DiskRow, disksRepo } from '../../../../db/repos/disks.repo';
import { imageTransfersRepo } from '../../../../db/repos/image-transfers.repo';
import { nowIso } from '../../../../db/repos/rows';
import {
  type StorageDomainRow,
  storageDomainsRepo,
} from '../../../../db/repos/storage-domains.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import {
  DEFAULT_INACTIVITY_TIMEOUT_S,
  type ImageTransfer,
} from '../../../contract/image-transfers';
import { defineCommand, lockKey } from '../../command';
import { failWith, firstFailure, invalid, notFound, valid } from '../../validation';
import { validateDisksFree, validateVmDownForStorage } from '../../validators/storage.validator';
import { chainOf } from '../storage/chains';
import { diskLock } from '../storage/disk-ops';
import { auditStorage, recordIntent } from '../storage/storage-intents';
import { startJob } from '../storage/storage-jobs';
import {
  downloadStagingPath,
  uploadStagingPath,
  volumeFormatOf,
  volumePath,
} from '../storage/storage-paths';
import { ensureSpace } from '../storage/storage-space';
import { endTransfer, setPhase, transferView } from './transfer-common';

const MiB = 1024 ** 2;

function fileSize(path: string, fallback: number): number {
  try {
    return statSync(path).size;
  } catch {
    return fallback;
  }
}

interface Plan {
  readonly disk: DiskRow;
  readonly domain: StorageDomainRow;
  readonly id: string;
  readonly format: 'cow' | 'raw';
  /** Download straight from the single volume (same format, no chain). */
  readonly direct: string | null;
  readonly topPath: string;
  /** An upload's new volume (the checked staging file is copied there on finalize). */
  readonly uploadVolumeId: string;
  readonly uploadPath: string;
}

export const AddImageTransferCommand = defineCommand<'AddImageTransfer', Plan>({
  action: 'transfer',
  type: 'Disk image',
  auditCode: 'TRANSFER_IMAGE_INITIATED',
  locks: (ctx, input) => {
    const diskId = input.disk?.id ?? input.image?.id;
    const vmId = diskId ? diskAttachmentsRepo.find(ctx.database.db, diskId)?.vmId : null;
    return [...(diskId ? [diskLock(diskId)] : []), ...(vmId ? [lockKey.vm(vmId)] : [])];
  },
  validate: (ctx, input) => {
    const c = ctx.database.db;
    if (input.snapshot)
      return invalid(
        failWith('ACTION_TYPE_FAILED_IMAGE_TRANSFER_NOT_SUPPORTED', {
          detail: 'Transfers of disk snapshots are not supported; transfer the disk.',
        }).failure,
      );
    const diskId = input.disk?.id ?? input.image?.id;
    if (diskId === undefined)
      return invalid(
        failWith('INCOMPLETE_PARAMETERS', {
          detail: 'ImageTransfer [disk.id|image.id|snapshot.id] required',
        }).failure,
      );
    const disk = disksRepo.findRow(c, diskId);
    if (!disk) return invalid(failWith('ACTION_TYPE_FAILED_DISK_NOT_EXIST').failure);
    const att = diskAttachmentsRepo.find(c, disk.id);
    const vm = att?.vmId ? vmsRepo.findById(c, att.vmId) : null;
    const chain = chainOf(c, disk.id);
    const top = chain[0];
    const domain = storageDomainsRepo.findById(c, disk.storageDomainId);
    const format = input.format ?? disk.format;
    const f = firstFailure(
      () => validateDisksFree(c, [disk]),
      () => (vm ? validateVmDownForStorage(vm) : null),
      () =>
        failWith('ACTION_TYPE_FAILED_IMAGE_TRANSFER_NOT_SUPPORTED', {
          detail: 'Uploads go into a disk without snapshots or template (a single volume).',
        }).when(
          input.direction === 'upload' &&
            (chain.length !== 1 || (att?.templateId ?? null) !== null),
        ),
    );
    if (f) return invalid(f);
    if (!top || !domain) throw notFound('disk', disk.id);
    const direct =
      input.direction === 'download' && chain.length === 1 && top.format === format
        ? top.path
        : null;
    const uploadVolumeId = randomUUID();
    return valid({
      disk,
      domain,
      id: randomUUID(),
      format,
      direct,
      topPath: top.path,
      uploadVolumeId,
      uploadPath: volumePath(domain.path, disk.id, uploadVolumeId),
    });
  },
  execute: async (ctx, input, plan): Promise<ImageTransfer> => {
    const { disk, domain } = plan;
    const upload = input.direction === 'upload';
    const staging = upload
      ? uploadStagingPath(domain.path, disk.id, plan.id)
      : plan.direct === null
        ? downloadStagingPath(domain.path, disk.id, plan.id)
        : null;
    // A qcow2 upload carries its metadata: allow some room above the virtual size.
    const limit =
      plan.format === 'cow'
        ? disk.provisionedSize + Math.max(64 * MiB, disk.provisionedSize / 10)
        : disk.provisionedSize;
    if (staging) await ensureSpace(ctx, domain, upload ? limit : disk.actualSize);
    ctx.database.transaction((tx) => {
      disksRepo.update(tx, disk.id, { status: 'locked' });
      imageTransfersRepo.insert(tx, {
        id: plan.id,
        diskId: disk.id,
        imageId: disk.id,
        direction: input.direction,
        phase: 'initializing',
        ticket: randomUUID(),
        format: plan.format,
        dataPath: staging ?? plan.direct ?? '',
        dataSize: upload ? Math.floor(limit) : 0,
        inactivityTimeout: input.inactivityTimeout ?? DEFAULT_INACTIVITY_TIMEOUT_S,
        timeoutPolicy: input.timeoutPolicy ?? 'legacy',
        shallow: input.shallow ?? false,
        hostId: ctx.localHostId,
        lastUpdated: nowIso(),
      });
      recordIntent(
        tx,
        'AddImageTransfer',
        'image-transfer',
        {
          commit: { never: true },
          created: [...(staging ? [staging] : []), ...(upload ? [plan.uploadPath] : [])],
          obsolete: [],
          // A failed upload leaves the disk illegal; a download leaves it as it was.
          newDisks: upload ? [disk.id] : [],
          lockedDisks: upload ? [] : [disk.id],
          vms: [],
          templates: [],
          transferId: plan.id,
          ...(upload ? { uploadVolumeId: plan.uploadVolumeId } : {}),
        },
        ctx.localHostId,
      );
    });
    ctx.events.entity('image_transfer', plan.id, 'added');
    ctx.events.entity('disk', disk.id, 'updated');
    startJob(ctx.database, async () => {
      try {
        // An upload's staging file is created by the data plane on the first write (the host
        // layer refuses empty volumes); a download's is a copy of the disk's chain.
        if (!upload && staging) {
          await ctx.host.copyVolume({
            source: plan.topPath,
            target: staging,
            format: volumeFormatOf(plan.format),
            onProgress: (f) => {
              ctx.progress(`Preparing download of disk ${disk.alias}`, 'running', f);
            },
          });
        }
        const path = staging ?? plan.direct ?? '';
        // A raw file is as long as its virtual size; a qcow2 file is served as it is on disk.
        const info = upload ? null : await ctx.host.volumeInfo(path);
        const size = upload
          ? Math.floor(limit)
          : info?.format === 'raw'
            ? info.virtualSize
            : fileSize(path, info?.actualSize ?? 0);
        ctx.database.transaction((tx) => {
          imageTransfersRepo.update(tx, plan.id, { dataSize: size });
        });
        setPhase(ctx, plan.id, 'transferring');
      } catch (e) {
        const t = imageTransfersRepo.findById(ctx.database.db, plan.id);
        const why = e instanceof Error ? e.message : String(e);
        if (t) await endTransfer(ctx, t, 'finished_failure', why);
        auditStorage(
          ctx,
          'TRANSFER_IMAGE_FAILED',
          'error',
          `Transfer of disk ${disk.alias} failed: ${why}`,
        );
      }
    });
    return transferView(ctx, plan.id);
  },
  subject: (input, plan) => ({
    description: `${input.direction === 'upload' ? 'Upload to' : 'Download of'} disk ${plan?.disk.alias ?? input.disk?.id ?? ''}`,
  }),
});
