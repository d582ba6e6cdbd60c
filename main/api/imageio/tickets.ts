// SPDX-License-Identifier: Apache-2.0
/**
 * What the imageio data plane needs from the engine, and nothing more: the ticket's file,
 * direction and size, and a place to report progress. The engine owns tickets, phases,
 * expiry and revocation; the data plane asks on every request, so a ticket revoked by
 * finalize/cancel or expired by the inactivity timer stops working at once.
 */

/** One ticket the data plane may serve. */
export interface TicketInfo {
  /** Absolute file: the upload's staging file, or the volume a download reads. */
  readonly path: string;
  readonly direction: 'upload' | 'download';
  /** Upload: the most bytes the client may write. Download: bytes readable. */
  readonly size: number;
  /** False for downloads: no PUT, no PATCH. */
  readonly writable: boolean;
}

export interface ImageTickets {
  /** The ticket's data, or null when unknown, expired, paused or finished (→ 403). */
  lookup(ticket: string): Promise<TicketInfo | null>;
  /** Total bytes moved so far for this ticket (oVirt `transferred`, the UI progress bar). */
  progress(ticket: string, transferred: number): Promise<void>;
}
