// SPDX-License-Identifier: Apache-2.0
/** Shared checks of the snapshot commands. */
import type { Conn } from '../../../../db/client';
import { disksRepo, type VolumeRow, volumesRepo } from '../../../../db/repos/disks.repo';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import { DEFAULT_BOOT_DEVICES } from '../../../contract/cdroms';
import type { Snapshot, SnapshotVmConfiguration } from '../../../contract/snapshots';
import type { Vm } from '../../../contract/vms';
import { failWith, firstFailure, type ValidationResult } from '../../validation';
import {
  diskRows,
  validateDisksFree,
  validateVmDownForStorage,
} from '../../validators/storage.validator';
import { vmCdrom } from '../vm/cdrom-common';

/** A snapshot operation is running on the VM (a snapshot is `locked`). */
export function validateNoSnapshotInProgress(c: Conn, vm: Vm): ValidationResult {
  return failWith('ACTION_TYPE_FAILED_VM_IS_DURING_SNAPSHOT', { vmName: vm.name }).when(
    snapshotsRepo.listByVm(c, vm.id).some((s) => s.status === 'locked'),
  );
}

/** What a snapshot of `vm` records, with the ISO in its CD-ROM (persistent configuration). */
export const configurationOf = (c: Conn, vm: Vm): SnapshotVmConfiguration => ({
  name: vm.name,
  description: vm.description,
  memoryBytes: vm.memoryBytes,
  vcpus: vm.vcpus,
  cdromFileId: vmCdrom(c, vm.id, false)?.fileId ?? null,
  bootDevices: vm.bootDevices ?? DEFAULT_BOOT_DEVICES,
});

/**
 * The VM columns a restore of `config` writes besides memory, vCPUs and description: the boot
 * order, and the CD-ROM's ISO if that disk is still an ISO disk (read in the restore's own
 * transaction; one removed since leaves the drive empty, as the start would refuse it).
 */
export function restoredMedia(
  tx: Conn,
  config: SnapshotVmConfiguration,
): { cdromDiskId?: string | null; bootDevices?: string } {
  const iso =
    config.cdromFileId === undefined || config.cdromFileId === null
      ? null
      : disksRepo.findRow(tx, config.cdromFileId);
  return {
    ...(config.cdromFileId === undefined
      ? {}
      : { cdromDiskId: iso?.contentType === 'iso' ? iso.id : null }),
    ...(config.bootDevices === undefined ? {} : { bootDevices: config.bootDevices.join(',') }),
  };
}

/** The regular snapshot `id` of the VM, or the not-found / active-snapshot failure. */
export function regularSnapshot(
  c: Conn,
  vmId: string,
  id: string,
): { ok: true; snapshot: Snapshot } | { ok: false; failure: NonNullable<ValidationResult> } {
  const s = snapshotsRepo.findById(c, vmId, id);
  if (!s)
    return {
      ok: false,
      failure: failWith('ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST').failure,
    };
  if (s.type === 'active')
    return {
      ok: false,
      failure: failWith('ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_SNAPSHOT').failure,
    };
  return { ok: true, snapshot: s };
}

/**
 * What RemoveSnapshot and RestoreSnapshot both check: a regular snapshot of a down VM with no
 * other snapshot work running, whose frozen volumes' disks are free. Returns those volumes.
 */
export function validateSnapshotVolumes(
  c: Conn,
  vm: Vm,
  id: string,
):
  | { ok: true; snapshot: Snapshot; frozen: VolumeRow[] }
  | { ok: false; failure: NonNullable<ValidationResult> } {
  const s = regularSnapshot(c, vm.id, id);
  if (!s.ok) return s;
  const frozen = volumesRepo.listBySnapshot(c, s.snapshot.id);
  const f = firstFailure(
    () => validateVmDownForStorage(vm),
    () => validateNoSnapshotInProgress(c, vm),
    () =>
      validateDisksFree(
        c,
        diskRows(
          c,
          frozen.map((v) => v.diskId),
        ),
      ),
  );
  if (f) return { ok: false, failure: f };
  return { ok: true, snapshot: s.snapshot, frozen };
}
