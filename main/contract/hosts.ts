// SPDX-License-Identifier: Apache-2.0
/**
 * Hosts, host NICs and host network labels (`types/Host.java`, `HostNic.java`; host-level
 * labels come from the seed "Isolated Networks" and do not exist in oVirt).
 *
 * @see ../../shared/reference/ovirt-api.md §2.5, §2.6
 */

/** oVirt `HostStatus` values this engine uses. */
export type HostStatus =
  | 'initializing'
  | 'up'
  | 'maintenance'
  | 'preparing_for_maintenance'
  | 'non_operational'
  | 'non_responsive'
  | 'connecting'
  /** Issue 17: a remote host waiting for its agent to enroll. */
  | 'installing';

export interface Host {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly clusterId: string;
  readonly status: HostStatus;
  /** Why the host is not Up, in words (oVirt `status_detail`), or null. */
  readonly statusDetail: string | null;
  readonly memoryBytes: number;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly osName: string;
  readonly libvirtVersion: string;
  readonly accelerator: 'kvm' | 'tcg';
  /** Largest MTU any bridge on this host can carry (bridges without NICs: 65535). */
  readonly maxMtu: number;
  /** oVirt `network_operation_in_progress`: a setupNetworks is running. */
  readonly networkOperationInProgress: boolean;
}

export interface HostNic {
  readonly id: string;
  readonly hostId: string;
  readonly name: string;
  readonly mac: string;
  readonly mtu: number;
  readonly maxMtu: number;
  /** Mb/s, null when the driver does not say. */
  readonly speedMbps: number | null;
  readonly status: 'up' | 'down';
  /** True when a network's bridge sits on this NIC. */
  readonly bridged: boolean;
  readonly ipv4: readonly string[];
}

/**
 * A label on a host (no NIC: seed "Isolated Networks") or on one of its NICs (oVirt's NIC
 * label). `id` is the label text.
 */
export interface HostNetworkLabel {
  readonly id: string;
  readonly hostId: string;
  /** The labelled NIC, or null for a host-level label. */
  readonly nicId: string | null;
}
