// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: remote hosts. `POST /hosts` (oVirt's AddVds: name, address) registers a host the
 * engine reaches over mutually authenticated TLS; the host's agent enrolls once with the
 * one-time token answered here (shown in the API and on the Hosts page).
 *
 * @see ../../shared/reference/ovirt-api.md §2.5
 */
import { z } from 'zod';

import type { Host } from './hosts';

export const AddHostInput = z
  .object({
    name: z.string(),
    /** IPv4/IPv6 address or DNS name the engine connects to. */
    address: z.string(),
    /** Agent port (oVirt's VDSM port, default 54321). */
    port: z.number().int().min(1).max(65535).optional(),
    description: z.string().max(4000).optional(),
  })
  .strict();

export const RemoveHostInput = z.object({ hostId: z.string() }).strict();
export const RenewHostEnrollmentInput = z.object({ hostId: z.string() }).strict();

/** How a host joins: what the admin runs on it (all of it shown once; the token is not kept). */
export interface HostEnrollment {
  readonly host: Host;
  /** One-time token, good for one enrollment until `expiresAt`. */
  readonly token: string;
  readonly expiresAt: string;
  /** `sha256:<hex>` of the engine CA certificate; the host refuses an engine without it. */
  readonly caHash: string;
  /** The engine's enrollment endpoint `host:port`, or null when the engine does not listen. */
  readonly engineAddress: string | null;
  /** The command line to run on the host (`npm run host-agent -- …`). */
  readonly command: string;
}
