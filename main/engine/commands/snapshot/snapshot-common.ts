// SPDX-License-Identifier: Apache-2.0
/** Shared checks of the snapshot commands. */
import type { Conn } from '../../../../db/client';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import type { Snapshot, SnapshotVmConfiguration } from '../../../contract/snapshots';
import type { Vm } from '../../../contract/vms';
import { failWith, type ValidationResult } from '../../validation';

/** A snapshot operation is running on the VM (a snapshot is `locked`). */
export function validateNoSnapshotInProgress(c: Conn, vm: Vm): ValidationResult {
  return failWith('ACTION_TYPE_FAILED_VM_IS_DURING_SNAPSHOT', { vmName: vm.name }).when(
    snapshotsRepo.listByVm(c, vm.id).some((s) => s.status === 'locked'),
  );
}

export const configurationOf = (vm: Vm): SnapshotVmConfiguration => ({
  name: vm.name,
  description: vm.description,
  memoryBytes: vm.memoryBytes,
  vcpus: vm.vcpus,
});

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
