// SPDX-License-Identifier: Apache-2.0
/**
 * VM snapshots (`types/Snapshot.java`). Disk-only: a snapshot freezes the VM's disk volumes
 * (and records the VM configuration); memory is never saved (`persistMemoryState` false).
 * Every VM has one `active` snapshot described `Active VM`: its current state.
 *
 * @see ../../shared/reference/ovirt-guests-api.md §5
 */
import type { BootDevice } from './cdroms';

export const ACTIVE_VM_SNAPSHOT_DESCRIPTION = 'Active VM';

export type SnapshotType = 'active' | 'regular' | 'preview' | 'stateless';
export type SnapshotStatus = 'ok' | 'locked' | 'in_preview';

/**
 * The VM configuration a snapshot recorded (oVirt stores it as OVF, whose CD-ROM item and
 * boot order a restore brings back). `cdromFileId` and `bootDevices` are absent in snapshots
 * taken before they were recorded: a restore then leaves the VM's as they are.
 */
export interface SnapshotVmConfiguration {
  readonly name: string;
  readonly description: string;
  readonly memoryBytes: number;
  readonly vcpus: number;
  /** The ISO disk in the VM's CD-ROM (persistent configuration), null = empty. */
  readonly cdromFileId?: string | null;
  /** oVirt `os.boot.devices`. */
  readonly bootDevices?: readonly BootDevice[];
}

export interface Snapshot {
  readonly id: string;
  readonly vmId: string;
  readonly description: string;
  /** REST `snapshot_type`. */
  readonly type: SnapshotType;
  /** REST `snapshot_status`. */
  readonly status: SnapshotStatus;
  /** REST `date`. */
  readonly date: string;
  readonly persistMemoryState: boolean;
  /** The VM as it was when the snapshot was taken (the active snapshot: as it is now). */
  readonly vm: SnapshotVmConfiguration;
  /** Disks whose volumes the snapshot holds. */
  readonly diskIds: readonly string[];
}
