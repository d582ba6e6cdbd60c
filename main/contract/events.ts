// SPDX-License-Identifier: Apache-2.0
/**
 * What the engine publishes: entity changes (UI stores re-fetch), progress of long actions,
 * and audit-log entries (oVirt `types/Event.java`).
 */

/** Entity kinds, named like the contract's entity types. */
export type EntityKind =
  | 'data_center'
  | 'cluster'
  | 'network'
  | 'network_cluster'
  | 'network_label'
  | 'vnic_profile'
  | 'host'
  | 'host_nic'
  | 'host_network_label'
  | 'network_attachment'
  | 'vm'
  | 'vm_nic'
  | 'template'
  | 'storage_domain'
  | 'disk'
  | 'disk_attachment'
  | 'snapshot'
  | 'image_transfer'
  | 'lab';

export type AuditSeverity = 'normal' | 'warning' | 'error';

/** One audit-log entry (`/events`): who did what, and the result. */
export interface AuditEvent {
  /** Monotonic, oVirt-style integer id. */
  readonly id: number;
  readonly time: string;
  readonly severity: AuditSeverity;
  /** oVirt-style audit code, e.g. `NETWORK_ADD_NETWORK`, `USER_RUN_VM`, `…_FAILED`. */
  readonly code: string;
  readonly description: string;
  readonly user: string | null;
  readonly correlationId: string | null;
  readonly dataCenterId: string | null;
  readonly clusterId: string | null;
  readonly hostId: string | null;
  readonly networkId: string | null;
  readonly vmId: string | null;
}

export interface EntityChangedEvent {
  readonly type: 'entity';
  readonly entity: EntityKind;
  readonly id: string;
  readonly action: 'added' | 'updated' | 'removed';
}

/** Progress of a long action: a VM booting, a network being deployed to hosts. */
export interface ProgressEvent {
  readonly type: 'progress';
  /** Correlates the steps of one action. */
  readonly jobId: string;
  readonly description: string;
  readonly status: 'started' | 'running' | 'finished' | 'failed';
  /** 0..1 when known. */
  readonly fraction: number | null;
}

export interface AuditLoggedEvent {
  readonly type: 'audit';
  readonly event: AuditEvent;
}

/** Everything `Engine.subscribe` delivers. */
export type EngineEvent = EntityChangedEvent | ProgressEvent | AuditLoggedEvent;
