// SPDX-License-Identifier: Apache-2.0
/**
 * Disks and disk attachments ⇄ oVirt documents (AM `types/Disk.java`,
 * `types/DiskAttachment.java`). The attachment id is the disk id (oVirt's
 * `DiskAttachmentMapper`); `?follow=disk` embeds the disk in the attachment.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §2
 */
import type { Disk, DiskAttachment } from '../../../contract/disks';
import type { OpInput } from '../../../contract/operations';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, enumOf, type InputObject, int, obj, objList, type Ref, ref, str } from '../input';
import { actionLinks, refTo } from './links';

/** oVirt `DiskFormat`. */
export const DISK_FORMATS = ['cow', 'raw'] as const;
/** oVirt `DiskInterface`. */
const DISK_INTERFACES = ['ide', 'sata', 'spapr_vscsi', 'virtio', 'virtio_scsi'] as const;
/** oVirt `DiskContentType`. */
const CONTENT_TYPES = [
  'backup_scratch',
  'data',
  'hosted_engine',
  'hosted_engine_configuration',
  'hosted_engine_metadata',
  'hosted_engine_sanlock',
  'iso',
  'memory_dump_volume',
  'memory_metadata_volume',
  'ovf_store',
] as const;

/** `/disks/{id}`. */
export function diskDoc(base: string, d: Disk): DocObject {
  const href = `${base}/disks/${d.id}`;
  const sd = refTo(base, 'storagedomains', d.storageDomainId);
  return {
    href,
    id: d.id,
    name: d.name,
    description: d.description || undefined,
    actions: actionLinks(href, []),
    actual_size: d.actualSize,
    alias: d.name,
    backup: 'none',
    content_type: d.contentType,
    creation_time: new DateTime(new Date(d.creationTime)),
    // One disk profile per storage domain, sharing its id (see storage-domains.routes.ts):
    // Ansible's ovirt_disk follows this link and reads its name without a None check.
    disk_profile: refTo(base, 'diskprofiles', d.storageDomainId),
    format: d.format,
    image_id: d.imageId ?? undefined,
    propagate_errors: false,
    provisioned_size: d.provisionedSize,
    qcow_version: d.qcowVersion ?? undefined,
    shareable: d.shareable,
    sparse: d.sparse,
    status: d.status,
    storage_type: d.storageType,
    total_size: d.totalSize,
    wipe_after_delete: d.wipeAfterDelete,
    storage_domain: sd,
    storage_domains: { storage_domain: [sd] },
  };
}

/** `/vms/{v}/diskattachments/{id}` or `/templates/{t}/diskattachments/{id}`. */
export function diskAttachmentDoc(base: string, a: DiskAttachment, embedDisk = false): DocObject {
  const owner =
    a.vmId !== null ? `${base}/vms/${a.vmId}` : `${base}/templates/${a.templateId ?? ''}`;
  return {
    href: `${owner}/diskattachments/${a.id}`,
    id: a.id,
    active: a.active,
    bootable: a.bootable,
    interface: a.interface,
    logical_name: a.logicalName ?? undefined,
    pass_discard: a.passDiscard,
    read_only: a.readOnly,
    uses_scsi_reservation: false,
    disk: embedDisk ? diskDoc(base, a.disk) : refTo(base, 'disks', a.diskId),
    template: a.templateId === null ? undefined : refTo(base, 'templates', a.templateId),
    vm: a.vmId === null ? undefined : refTo(base, 'vms', a.vmId),
  };
}

// ── Input ──────────────────────────────────────────────────────────────────────────────

/** The first `storage_domains.storage_domain` (id or name), or the legacy `storage_domain`. */
function storageDomainRef(o: InputObject): Ref | undefined {
  const list = objList(o, 'storage_domains', 'storage_domain');
  const first = list?.[0];
  if (first !== undefined) {
    const id = str(first, 'id');
    const name = str(first, 'name');
    if (id !== undefined || name !== undefined) {
      return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
    }
  }
  const single = ref(o, 'storage_domain');
  return single !== undefined && (single.id !== undefined || single.name !== undefined)
    ? single
    : undefined;
}

/** `name`, or its older spelling `alias`. */
function diskName(o: InputObject): string | undefined {
  return str(o, 'name') ?? str(o, 'alias');
}

/** `provisioned_size`, or its deprecated spelling `size`. */
function provisionedSize(o: InputObject): number | undefined {
  return int(o, 'provisioned_size') ?? int(o, 'size');
}

type DiskSpec = OpInput<'AddDisk'>;

/**
 * `<disk>` → a new disk. oVirt's mandatory fields: `provisioned_size` and `format`, and a
 * storage domain for image disks; a name is required here (oVirt would make one up).
 */
export function diskSpecInput(o: InputObject, method = 'add'): DiskSpec {
  const format = enumOf(o, 'format', DISK_FORMATS, 'DiskFormat');
  const size = provisionedSize(o);
  const missing: string[] = [];
  if (size === undefined) missing.push('provisioned_size');
  if (format === undefined) missing.push('format');
  if (missing.length > 0) throw incompleteParameters('Disk', missing, method);
  const storageDomain = storageDomainRef(o);
  if (storageDomain === undefined) {
    throw incompleteParameters('Disk', ['storage_domains.storage_domain.id|name'], method);
  }
  const name = diskName(o);
  if (name === undefined) throw incompleteParameters('Disk', ['name'], method);
  const id = str(o, 'id');
  const description = str(o, 'description');
  const sparse = bool(o, 'sparse');
  const initialSize = int(o, 'initial_size');
  const contentType = enumOf(o, 'content_type', CONTENT_TYPES, 'DiskContentType');
  const shareable = bool(o, 'shareable');
  const wipe = bool(o, 'wipe_after_delete');
  return {
    name,
    format: format ?? 'cow',
    provisionedSize: size ?? 0,
    storageDomain,
    ...(id !== undefined ? { id } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(sparse !== undefined ? { sparse } : {}),
    ...(initialSize !== undefined ? { initialSize } : {}),
    // Content types the model knows but this engine does not keep reach it and fail there.
    ...(contentType !== undefined ? { contentType: contentType as 'data' } : {}),
    ...(shareable !== undefined ? { shareable } : {}),
    ...(wipe !== undefined ? { wipeAfterDelete: wipe } : {}),
  };
}

/** `<disk>` → UpdateDisk (name, description, extend). */
export function updateDiskInput(id: string, o: InputObject): OpInput<'UpdateDisk'> {
  const name = diskName(o);
  const description = str(o, 'description');
  const size = provisionedSize(o);
  const wipe = bool(o, 'wipe_after_delete');
  return {
    id,
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(size !== undefined ? { provisionedSize: size } : {}),
    ...(wipe !== undefined ? { wipeAfterDelete: wipe } : {}),
  };
}

function attachmentFields(o: InputObject): {
  interface?: 'virtio';
  bootable?: boolean;
  active?: boolean;
  readOnly?: boolean;
  passDiscard?: boolean;
} {
  const iface = enumOf(o, 'interface', DISK_INTERFACES, 'DiskInterface');
  const bootable = bool(o, 'bootable');
  const active = bool(o, 'active');
  const readOnly = bool(o, 'read_only');
  const passDiscard = bool(o, 'pass_discard');
  return {
    // Interfaces the model knows but the host cannot emulate reach the engine and fail there.
    ...(iface !== undefined ? { interface: iface as 'virtio' } : {}),
    ...(bootable !== undefined ? { bootable } : {}),
    ...(active !== undefined ? { active } : {}),
    ...(readOnly !== undefined ? { readOnly } : {}),
    ...(passDiscard !== undefined ? { passDiscard } : {}),
  };
}

/** The `disk.id` of a `<disk_attachment>`, if any. */
export function attachmentDiskId(o: InputObject): string | undefined {
  const disk = obj(o, 'disk');
  return disk === undefined ? undefined : str(disk, 'id');
}

/**
 * `<disk_attachment>` → AddDiskAttachment, oVirt's two cases: a `disk` whose id names an
 * existing disk (`existing`) attaches it, whatever else the client repeats about it (as
 * Ansible's `ovirt_disk` does); otherwise the disk is created, with the client's id if given.
 */
export function addDiskAttachmentInput(
  vmId: string,
  o: InputObject,
  existing = false,
): OpInput<'AddDiskAttachment'> {
  const disk = obj(o, 'disk');
  if (disk === undefined) throw incompleteParameters('DiskAttachment', ['disk'], 'add');
  const id = str(disk, 'id');
  const bareId =
    id !== undefined && provisionedSize(disk) === undefined && str(disk, 'format') === undefined;
  const spec = id !== undefined && (existing || bareId) ? { id } : diskSpecInput(disk);
  return { vmId, disk: spec, ...attachmentFields(o) };
}

/** `<disk_attachment>` → UpdateDiskAttachment (attachment fields, disk rename/extend). */
export function updateDiskAttachmentInput(
  vmId: string,
  id: string,
  o: InputObject,
): OpInput<'UpdateDiskAttachment'> {
  const disk = obj(o, 'disk');
  let diskPart: { name?: string; description?: string; provisionedSize?: number } | undefined;
  if (disk !== undefined) {
    const name = diskName(disk);
    const description = str(disk, 'description');
    const size = provisionedSize(disk);
    diskPart = {
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(size !== undefined ? { provisionedSize: size } : {}),
    };
  }
  return {
    vmId,
    id,
    ...attachmentFields(o),
    ...(diskPart !== undefined ? { disk: diskPart } : {}),
  };
}

/**
 * Per-disk overrides when disks are copied from a template or a VM
 * (`disk_attachments[].disk`, keyed by the source disk's id).
 */
export function diskOverridesInput(
  o: InputObject,
): NonNullable<OpInput<'AddVmTemplate'>['disks']> | undefined {
  const attachments = objList(o, 'disk_attachments', 'disk_attachment');
  if (attachments === undefined) return undefined;
  return attachments.map((a) => {
    const disk = obj(a, 'disk') ?? {};
    const id = str(disk, 'id');
    if (id === undefined) throw incompleteParameters('DiskAttachment', ['disk.id'], 'add');
    const name = diskName(disk);
    const format = enumOf(disk, 'format', DISK_FORMATS, 'DiskFormat');
    const sparse = bool(disk, 'sparse');
    const storageDomain = storageDomainRef(disk);
    return {
      id,
      ...(name !== undefined ? { name } : {}),
      ...(format !== undefined ? { format } : {}),
      ...(sparse !== undefined ? { sparse } : {}),
      ...(storageDomain !== undefined ? { storageDomain } : {}),
    };
  });
}
