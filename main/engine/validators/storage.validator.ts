// SPDX-License-Identifier: Apache-2.0
/**
 * Storage rules (oVirt's DiskValidator, DiskImagesValidator, StorageDomainValidator): names,
 * sizes, and whether disks, VMs and templates are free for a storage operation.
 */
import type { Conn } from '../../../db/client';
import { type DiskRow, disksRepo } from '../../../db/repos/disks.repo';
import { imageTransfersRepo } from '../../../db/repos/image-transfers.repo';
import { type StorageDomainRow, storageDomainsRepo } from '../../../db/repos/storage-domains.repo';
import type { Template } from '../../contract/templates';
import type { Vm } from '../../contract/vms';
import type { RefInput, Resolved } from '../resolve';
import { failWith, firstFailure, type ValidationResult } from '../validation';

export const DISK_NAME_MAX_LENGTH = 255;
/** Largest disk accepted (qcow2 handles more; a lab has no use for it). */
export const MAX_DISK_BYTES = 64 * 1024 ** 4;

export function validateDiskName(name: string): ValidationResult {
  return firstFailure(
    () => failWith('ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY').when(name.trim().length === 0),
    () =>
      failWith('ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG', {
        maxLength: DISK_NAME_MAX_LENGTH,
      }).when(name.length > DISK_NAME_MAX_LENGTH),
  );
}

export function validateDiskSize(bytes: number): ValidationResult {
  return failWith('ACTION_TYPE_FAILED_DISK_MAX_SIZE_EXCEEDED', {
    maxSize: `${MAX_DISK_BYTES / 1024 ** 4} TiB`,
  }).when(bytes < 1 || bytes > MAX_DISK_BYTES);
}

/** Disks must be `ok` and not being transferred (oVirt DiskImagesValidator). */
export function validateDisksFree(c: Conn, disks: readonly DiskRow[]): ValidationResult {
  const transferring = disks.filter((d) => imageTransfersRepo.openForDisk(c, d.id) !== null);
  const locked = disks.filter((d) => d.status === 'locked');
  const illegal = disks.filter((d) => d.status === 'illegal');
  return firstFailure(
    () =>
      failWith('ACTION_TYPE_FAILED_DISK_IS_BEING_TRANSFERRED', {
        diskAlias: transferring.map((d) => d.alias).join(', '),
      }).when(transferring.length > 0),
    () =>
      failWith('ACTION_TYPE_FAILED_DISKS_LOCKED', {
        diskAliases: locked.map((d) => d.alias).join(', '),
      }).when(locked.length > 0),
    () =>
      failWith('ACTION_TYPE_FAILED_DISKS_ILLEGAL', {
        diskAliases: illegal.map((d) => d.alias).join(', '),
      }).when(illegal.length > 0),
  );
}

/** The VM must be down and not locked by storage work. */
export function validateVmDownForStorage(vm: Vm): ValidationResult {
  return firstFailure(
    () =>
      failWith('ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED', { vmName: vm.name }).when(
        vm.status === 'image_locked',
      ),
    () =>
      failWith('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', { vmName: vm.name }).when(vm.status !== 'down'),
  );
}

export function validateVmNotImageLocked(vm: Vm): ValidationResult {
  return failWith('ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED', { vmName: vm.name }).when(
    vm.status === 'image_locked',
  );
}

export function validateTemplateUsable(t: Template): ValidationResult {
  return firstFailure(
    () =>
      failWith('VM_TEMPLATE_IMAGE_IS_LOCKED', { templateName: t.name }).when(t.status === 'locked'),
    () =>
      failWith('VM_TEMPLATE_IMAGE_IS_ILLEGAL', { templateName: t.name }).when(
        t.status === 'illegal',
      ),
  );
}

/** A storage domain by id or name; must be an active data domain. */
export function resolveStorageDomain(c: Conn, ref: RefInput): Resolved<StorageDomainRow> {
  const d =
    ref.id !== undefined
      ? storageDomainsRepo.findById(c, ref.id)
      : ref.name !== undefined
        ? storageDomainsRepo.findByName(c, ref.name)
        : null;
  if (!d || (ref.name !== undefined && ref.id !== undefined && d.name !== ref.name))
    return { ok: false, failure: failWith('ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST').failure };
  if (d.status !== 'active')
    return {
      ok: false,
      failure: failWith('ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL', { status: d.status })
        .failure,
    };
  return { ok: true, value: d };
}

/** Rows of the given disk ids (missing ones skipped). */
export const diskRows = (c: Conn, ids: readonly string[]): DiskRow[] =>
  ids.map((id) => disksRepo.findRow(c, id)).filter((d): d is DiskRow => d !== null);
