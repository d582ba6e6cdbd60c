// SPDX-License-Identifier: Apache-2.0
/**
 * Image transfers (`types/ImageTransfer.java`): the engine side. The engine owns the ticket,
 * the phases, the disk lock and the checks; the data plane (imageio's HTTP subset, in
 * main/api) only moves bytes between the client and `ImageTransferTicket.path`.
 *
 * @see ../../shared/reference/ovirt-guests-api.md §3
 */

export const IMAGE_TRANSFER_PHASES = [
  'unknown',
  'initializing',
  'transferring',
  'resuming',
  'paused_system',
  'paused_user',
  'cancelled',
  'cancelled_system',
  'cancelled_user',
  'finalizing_success',
  'finalizing_failure',
  'finalizing_cleanup',
  'finished_success',
  'finished_failure',
  'finished_cleanup',
] as const;
export type ImageTransferPhase = (typeof IMAGE_TRANSFER_PHASES)[number];

export type ImageTransferDirection = 'upload' | 'download';
export type ImageTransferTimeoutPolicy = 'legacy' | 'pause' | 'cancel';

/** oVirt default `TransferImageClientInactivityTimeoutInSeconds`. */
export const DEFAULT_INACTIVITY_TIMEOUT_S = 60;

export interface ImageTransfer {
  readonly id: string;
  readonly diskId: string;
  /** Volume transferred (REST: the deprecated `<image id>` carries the disk id, per oVirt). */
  readonly imageId: string | null;
  readonly direction: ImageTransferDirection;
  readonly phase: ImageTransferPhase;
  /**
   * The ticket UUID: the data plane's URL is `<base>/images/<ticket>`. The REST layer builds
   * `transfer_url`/`proxy_url` from it once the phase is `transferring`.
   */
  readonly ticket: string;
  /** Format of the bytes on the wire: `cow` = the qcow2 file itself, `raw` = guest data. */
  readonly format: 'cow' | 'raw';
  /** Bytes moved so far (reported by the data plane). */
  readonly transferred: number;
  /** True while the data plane may move bytes (`transferring`). */
  readonly active: boolean;
  readonly inactivityTimeout: number;
  readonly timeoutPolicy: ImageTransferTimeoutPolicy;
  readonly shallow: boolean;
  /** The host serving the data (REST `host.id`; clients dereference it). */
  readonly hostId: string | null;
  /** Why it failed, when it did. */
  readonly message: string | null;
  readonly creationTime: string;
  readonly lastUpdated: string;
}

/**
 * What the data plane needs to serve one ticket (GetImageTransferTicket). `path` is a file
 * inside a storage domain that the engine chose; uploads write it (never past `size`),
 * downloads read it.
 */
export interface ImageTransferTicket {
  readonly transferId: string;
  readonly ticket: string;
  readonly direction: ImageTransferDirection;
  /** True for downloads: no PUT/PATCH. */
  readonly readOnly: boolean;
  readonly path: string;
  /** Download: size of `path`. Upload: the most bytes the client may write. */
  readonly size: number;
  readonly phase: ImageTransferPhase;
  readonly inactivityTimeout: number;
}
