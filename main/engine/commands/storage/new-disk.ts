// SPDX-License-Identifier: Apache-2.0
/**
 * A disk being created with one volume: empty, a qcow2 overlay on another volume (thin VM
 * from template, snapshot layer), or a collapsed copy of another chain (template, clone,
 * import). tx 1 inserts it `locked`; the host builds the file; tx 2 makes it `ok` with the
 * sizes the host reports.
 */
import { randomUUID } from 'node:crypto';

import type { Tx } from '../../../../db/client';
import { diskAttachmentsRepo, disksRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import type { StorageDomainRow } from '../../../../db/repos/storage-domains.repo';
import type { VolumeInfo } from '../../../../libvirt/host-agent';
import type { DiskContentType, DiskFormat, DiskInterface } from '../../../contract/disks';
import type { EngineServices } from '../../context';
import { volumeFormatOf, volumePath } from './storage-paths';
import { allocationOf } from './storage-space';

export type VolumeSource =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'overlay';
      readonly parentVolumeId: string;
      readonly backingPath: string;
      readonly backingFormat: DiskFormat;
    }
  | {
      readonly kind: 'copy';
      readonly sourcePath: string;
      /** Bytes the copy may allocate (the source chain's allocation, at most the virtual size). */
      readonly allocation: number;
    };

export interface NewDisk {
  readonly diskId: string;
  readonly volumeId: string;
  readonly path: string;
  readonly alias: string;
  readonly description: string;
  readonly format: DiskFormat;
  readonly sparse: boolean;
  readonly provisionedSize: number;
  readonly contentType: DiskContentType;
  readonly wipeAfterDelete: boolean;
  readonly domain: StorageDomainRow;
  readonly source: VolumeSource;
  /** VM snapshot the volume belongs to (the VM's active snapshot), or null. */
  readonly snapshotId: string | null;
  readonly attach: {
    readonly vmId?: string;
    readonly templateId?: string;
    readonly interface: DiskInterface;
    readonly bootable: boolean;
    readonly active: boolean;
    readonly readOnly: boolean;
    readonly passDiscard: boolean;
  } | null;
}

export type NewDiskSpec = Omit<NewDisk, 'volumeId' | 'path' | 'diskId'> & {
  readonly diskId?: string | undefined;
};

/** Fill in the ids and the engine-computed volume path. */
export function planNewDisk(spec: NewDiskSpec): NewDisk {
  const diskId = spec.diskId ?? randomUUID();
  const volumeId = randomUUID();
  return { ...spec, diskId, volumeId, path: volumePath(spec.domain.path, diskId, volumeId) };
}

/** Bytes the new volume may allocate right away (for the space check). */
export function allocationOfNewDisk(d: NewDisk): number {
  if (d.source.kind === 'copy')
    return Math.max(d.source.allocation, allocationOf(d.format, d.sparse, d.provisionedSize));
  return allocationOf(d.format, d.sparse, d.provisionedSize);
}

/** tx 1: the disk, its volume and its attachment, all `locked`. */
export function insertNewDisk(tx: Tx, d: NewDisk): void {
  disksRepo.insert(tx, {
    id: d.diskId,
    alias: d.alias,
    description: d.description,
    format: d.format,
    sparse: d.sparse,
    provisionedSize: d.provisionedSize,
    actualSize: 0,
    status: 'locked',
    contentType: d.contentType,
    storageDomainId: d.domain.id,
    wipeAfterDelete: d.wipeAfterDelete,
  });
  volumesRepo.insert(tx, {
    id: d.volumeId,
    diskId: d.diskId,
    parentId: d.source.kind === 'overlay' ? d.source.parentVolumeId : null,
    path: d.path,
    format: d.format,
    active: true,
    snapshotId: d.snapshotId,
    status: 'locked',
    virtualSize: d.provisionedSize,
    actualSize: 0,
  });
  if (d.attach) {
    diskAttachmentsRepo.insert(tx, {
      diskId: d.diskId,
      vmId: d.attach.vmId ?? null,
      templateId: d.attach.templateId ?? null,
      interface: d.attach.interface,
      bootable: d.attach.bootable,
      active: d.attach.active,
      readOnly: d.attach.readOnly,
      passDiscard: d.attach.passDiscard,
    });
  }
}

/** Host: build the volume file. */
export function buildVolume(
  ctx: EngineServices,
  d: NewDisk,
  onProgress?: (fraction: number) => void,
): Promise<VolumeInfo> {
  const format = volumeFormatOf(d.format);
  switch (d.source.kind) {
    case 'empty':
      return ctx.host.createVolume({ path: d.path, format, sizeBytes: d.provisionedSize });
    case 'overlay':
      return ctx.host.createVolume({
        path: d.path,
        format,
        sizeBytes: d.provisionedSize,
        backing: { path: d.source.backingPath, format: volumeFormatOf(d.source.backingFormat) },
      });
    case 'copy':
      return ctx.host.copyVolume({
        source: d.source.sourcePath,
        target: d.path,
        format,
        ...(onProgress ? { onProgress } : {}),
      });
  }
}

/** tx 2: the disk is `ok`, with the sizes the host reported. */
export function commitNewDisk(tx: Tx, d: NewDisk, info: VolumeInfo): void {
  volumesRepo.update(tx, d.volumeId, {
    status: 'ok',
    virtualSize: info.virtualSize,
    actualSize: info.actualSize,
  });
  disksRepo.update(tx, d.diskId, {
    status: 'ok',
    provisionedSize: info.virtualSize,
    actualSize: info.actualSize,
    statusDetail: null,
  });
}

/** Build several new disks one after the other, reporting overall progress. */
export async function buildAll(
  ctx: EngineServices,
  disks: readonly NewDisk[],
  report: (fraction: number) => void,
): Promise<Map<string, VolumeInfo>> {
  const out = new Map<string, VolumeInfo>();
  let i = 0;
  for (const d of disks) {
    const base = i / disks.length;
    out.set(
      d.diskId,
      await buildVolume(ctx, d, (f) => {
        report(base + f / disks.length);
      }),
    );
    i++;
    report(i / disks.length);
  }
  return out;
}
