// SPDX-License-Identifier: Apache-2.0
/**
 * Disks and disk attachments (`types/Disk.java`, `types/DiskAttachment.java`). A disk is a
 * chain of volumes in one storage domain; an attachment connects it to a VM or a template.
 * The attachment id is the disk id, as oVirt's REST shows it.
 *
 * @see ../../shared/reference/ovirt-guests-api.md §2
 */

/** oVirt `DiskFormat`: `cow` = qcow2, `raw` = raw. */
export const DISK_FORMATS = ['cow', 'raw'] as const;
export type DiskFormat = (typeof DISK_FORMATS)[number];

/** oVirt `DiskStatus`. `locked` while long work runs; `illegal` after a failed copy/upload. */
export const DISK_STATUSES = ['ok', 'locked', 'illegal'] as const;
export type DiskStatus = (typeof DISK_STATUSES)[number];

/** oVirt `DiskInterface` values the host layer can emulate. */
export const DISK_INTERFACES = ['virtio', 'virtio_scsi', 'sata'] as const;
export type DiskInterface = (typeof DISK_INTERFACES)[number];

/** oVirt `DiskContentType` values used here. */
export const DISK_CONTENT_TYPES = ['data', 'iso'] as const;
export type DiskContentType = (typeof DISK_CONTENT_TYPES)[number];

export interface Disk {
  readonly id: string;
  /** REST `name` (= `alias`). */
  readonly name: string;
  readonly description: string;
  readonly format: DiskFormat;
  readonly sparse: boolean;
  /** Virtual size in bytes (what the guest sees). */
  readonly provisionedSize: number;
  /** Bytes allocated by the active volume. */
  readonly actualSize: number;
  /** Bytes allocated by the whole chain of this disk (snapshots included). */
  readonly totalSize: number;
  readonly status: DiskStatus;
  readonly contentType: DiskContentType;
  readonly storageType: 'image';
  readonly storageDomainId: string;
  readonly shareable: boolean;
  readonly wipeAfterDelete: boolean;
  /** `qcow2_v3` for cow disks, null for raw. */
  readonly qcowVersion: 'qcow2_v3' | null;
  /** Id of the active volume (REST `image_id`). */
  readonly imageId: string | null;
  /** VM the disk is attached to (REST search `vm_names`), or null. */
  readonly vmId: string | null;
  /** Template the disk belongs to, or null. */
  readonly templateId: string | null;
  /** Why the disk is `illegal`, when it is. */
  readonly statusDetail: string | null;
  readonly creationTime: string;
}

export interface DiskAttachment {
  /** = the disk id. */
  readonly id: string;
  readonly diskId: string;
  /** Exactly one of vmId / templateId is set. */
  readonly vmId: string | null;
  readonly templateId: string | null;
  readonly interface: DiskInterface;
  readonly bootable: boolean;
  /** Plugged. */
  readonly active: boolean;
  readonly readOnly: boolean;
  readonly passDiscard: boolean;
  /** Device name in the guest when known, else null. */
  readonly logicalName: string | null;
  /** The disk itself, so one read gives both (REST embeds it on `follow=disk`). */
  readonly disk: Disk;
}
