// SPDX-License-Identifier: Apache-2.0
/**
 * Storage domains (`types/StorageDomain.java`, `HostStorage.java`). Only `data` domains of
 * storage type `localfs` exist here: a directory on this machine, attached to a data center.
 *
 * @see ../../shared/reference/ovirt-guests-api.md §1
 */

export const STORAGE_DOMAIN_TYPES = ['data'] as const;
export type StorageDomainType = (typeof STORAGE_DOMAIN_TYPES)[number];

export const STORAGE_TYPES = ['localfs'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

/** oVirt `StorageDomainStatus` values this engine uses. */
export type StorageDomainStatus =
  'active' | 'inactive' | 'locked' | 'maintenance' | 'unattached' | 'unknown';

/** Name of the data domain created on first start. */
export const LOCAL_STORAGE_DOMAIN_NAME = 'local';

export interface StorageDomain {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly comment: string;
  readonly type: StorageDomainType;
  /** `storage.type` in REST. */
  readonly storageType: StorageType;
  /** `storage.path` in REST: absolute directory on the host. */
  readonly path: string;
  /**
   * Data center the domain is attached to (null = unattached). REST: the global view shows
   * `status` only as `unattached` or absent; the real status is under the data center.
   */
  readonly dataCenterId: string | null;
  readonly status: StorageDomainStatus;
  readonly master: boolean;
  readonly storageFormat: 'v5';
  /**
   * Bytes, read from the file system when known (null = host not reachable). REST rounds them
   * down to whole GiB as oVirt does.
   */
  readonly availableBytes: number | null;
  readonly usedBytes: number | null;
  /** Sum of the provisioned sizes of the domain's disks (always known). */
  readonly committedBytes: number;
  /** Percent (oVirt `warning_low_space_indicator`). */
  readonly warningLowSpaceIndicator: number;
  /** GiB that must stay free (oVirt `critical_space_action_blocker`). */
  readonly criticalSpaceActionBlocker: number;
  readonly creationTime: string;
}
