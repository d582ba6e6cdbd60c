// SPDX-License-Identifier: Apache-2.0
/** Disks (base_disks), their volume chains (images) and their attachments (vm_device). */
import { and, eq, inArray } from 'drizzle-orm';

import type { Disk, DiskAttachment } from '../../main/contract/disks';
import type { Conn } from '../client';
import { disk, diskAttachment, image } from '../schema';
import { defined, type Patch } from './rows';

export type DiskRow = typeof disk.$inferSelect;
export type VolumeRow = typeof image.$inferSelect;
export type AttachmentRow = typeof diskAttachment.$inferSelect;

function toDisk(c: Conn, r: DiskRow): Disk {
  const volumes = c.select().from(image).where(eq(image.diskId, r.id)).all();
  const active = volumes.find((v) => v.active) ?? null;
  const att = c.select().from(diskAttachment).where(eq(diskAttachment.diskId, r.id)).get();
  return {
    id: r.id,
    name: r.alias,
    description: r.description,
    format: r.format,
    sparse: r.sparse,
    provisionedSize: r.provisionedSize,
    actualSize: r.actualSize,
    totalSize: volumes.reduce((n, v) => n + v.actualSize, 0),
    status: r.status,
    contentType: r.contentType,
    storageType: 'image',
    storageDomainId: r.storageDomainId,
    shareable: r.shareable,
    wipeAfterDelete: r.wipeAfterDelete,
    qcowVersion: r.format === 'cow' ? 'qcow2_v3' : null,
    imageId: active?.id ?? null,
    vmId: att?.vmId ?? null,
    templateId: att?.templateId ?? null,
    statusDetail: r.statusDetail,
    creationTime: r.createdAt,
  };
}

function toAttachment(c: Conn, a: AttachmentRow, d: DiskRow): DiskAttachment {
  return {
    id: a.diskId,
    diskId: a.diskId,
    vmId: a.vmId,
    templateId: a.templateId,
    interface: a.interface,
    bootable: a.bootable,
    active: a.active,
    readOnly: a.readOnly,
    passDiscard: a.passDiscard,
    logicalName: a.logicalName,
    disk: toDisk(c, d),
  };
}

export const disksRepo = {
  list: (c: Conn): Disk[] =>
    c
      .select()
      .from(disk)
      .all()
      .map((r) => toDisk(c, r)),
  listRows: (c: Conn): DiskRow[] => c.select().from(disk).all(),
  findById: (c: Conn, id: string): Disk | null => {
    const r = c.select().from(disk).where(eq(disk.id, id)).get();
    return r ? toDisk(c, r) : null;
  },
  findRow: (c: Conn, id: string): DiskRow | null =>
    c.select().from(disk).where(eq(disk.id, id)).get() ?? null,
  listByStorageDomain: (c: Conn, storageDomainId: string): Disk[] =>
    c
      .select()
      .from(disk)
      .where(eq(disk.storageDomainId, storageDomainId))
      .all()
      .map((r) => toDisk(c, r)),
  listByStatus: (c: Conn, status: DiskRow['status']): DiskRow[] =>
    c.select().from(disk).where(eq(disk.status, status)).all(),
  insert: (c: Conn, row: typeof disk.$inferInsert): void => {
    c.insert(disk).values(row).run();
  },
  update: (c: Conn, id: string, patch: Patch<Omit<typeof disk.$inferInsert, 'id'>>): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0) c.update(disk).set(set).where(eq(disk.id, id)).run();
  },
  /** Deletes the disk with its volumes and attachment rows (cascade). */
  delete: (c: Conn, id: string): void => {
    c.delete(disk).where(eq(disk.id, id)).run();
  },
};

export const volumesRepo = {
  listAll: (c: Conn): VolumeRow[] => c.select().from(image).all(),
  listByDisk: (c: Conn, diskId: string): VolumeRow[] =>
    c.select().from(image).where(eq(image.diskId, diskId)).all(),
  findById: (c: Conn, id: string): VolumeRow | null =>
    c.select().from(image).where(eq(image.id, id)).get() ?? null,
  findByPath: (c: Conn, path: string): VolumeRow | null =>
    c.select().from(image).where(eq(image.path, path)).get() ?? null,
  active: (c: Conn, diskId: string): VolumeRow | null =>
    c
      .select()
      .from(image)
      .where(and(eq(image.diskId, diskId), eq(image.active, true)))
      .get() ?? null,
  /** Volumes (of any disk) standing directly on `parentId`. */
  children: (c: Conn, parentId: string): VolumeRow[] =>
    c.select().from(image).where(eq(image.parentId, parentId)).all(),
  /** Volumes of other disks standing on any volume of `diskId` (thin VM disks on a template disk). */
  dependents: (c: Conn, diskId: string): VolumeRow[] => {
    const ids = c
      .select({ id: image.id })
      .from(image)
      .where(eq(image.diskId, diskId))
      .all()
      .map((r) => r.id);
    if (ids.length === 0) return [];
    return c
      .select()
      .from(image)
      .where(inArray(image.parentId, ids))
      .all()
      .filter((v) => v.diskId !== diskId);
  },
  listBySnapshot: (c: Conn, snapshotId: string): VolumeRow[] =>
    c.select().from(image).where(eq(image.snapshotId, snapshotId)).all(),
  insert: (c: Conn, row: typeof image.$inferInsert): void => {
    c.insert(image).values(row).run();
  },
  update: (c: Conn, id: string, patch: Patch<Omit<typeof image.$inferInsert, 'id'>>): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0) c.update(image).set(set).where(eq(image.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(image).where(eq(image.id, id)).run();
  },
};

export const diskAttachmentsRepo = {
  find: (c: Conn, diskId: string): AttachmentRow | null =>
    c.select().from(diskAttachment).where(eq(diskAttachment.diskId, diskId)).get() ?? null,
  listRowsByVm: (c: Conn, vmId: string): AttachmentRow[] =>
    c.select().from(diskAttachment).where(eq(diskAttachment.vmId, vmId)).all(),
  listRowsByTemplate: (c: Conn, templateId: string): AttachmentRow[] =>
    c.select().from(diskAttachment).where(eq(diskAttachment.templateId, templateId)).all(),
  listByVm: (c: Conn, vmId: string): DiskAttachment[] =>
    c
      .select({ a: diskAttachment, d: disk })
      .from(diskAttachment)
      .innerJoin(disk, eq(disk.id, diskAttachment.diskId))
      .where(eq(diskAttachment.vmId, vmId))
      .all()
      .map((r) => toAttachment(c, r.a, r.d)),
  listByTemplate: (c: Conn, templateId: string): DiskAttachment[] =>
    c
      .select({ a: diskAttachment, d: disk })
      .from(diskAttachment)
      .innerJoin(disk, eq(disk.id, diskAttachment.diskId))
      .where(eq(diskAttachment.templateId, templateId))
      .all()
      .map((r) => toAttachment(c, r.a, r.d)),
  findView: (c: Conn, diskId: string): DiskAttachment | null => {
    const r = c
      .select({ a: diskAttachment, d: disk })
      .from(diskAttachment)
      .innerJoin(disk, eq(disk.id, diskAttachment.diskId))
      .where(eq(diskAttachment.diskId, diskId))
      .get();
    return r ? toAttachment(c, r.a, r.d) : null;
  },
  insert: (c: Conn, row: typeof diskAttachment.$inferInsert): void => {
    c.insert(diskAttachment).values(row).run();
  },
  update: (
    c: Conn,
    diskId: string,
    patch: Patch<Omit<typeof diskAttachment.$inferInsert, 'diskId'>>,
  ): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0)
      c.update(diskAttachment).set(set).where(eq(diskAttachment.diskId, diskId)).run();
  },
  delete: (c: Conn, diskId: string): void => {
    c.delete(diskAttachment).where(eq(diskAttachment.diskId, diskId)).run();
  },
};
