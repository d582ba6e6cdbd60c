// SPDX-License-Identifier: Apache-2.0
/**
 * Labs (issue 15): a named set of networks and VMs that `aio lab apply` brings up and
 * `destroy` removes, and the Labs page shows. Not an oVirt entity: an extension collection
 * (`/ovirt-engine/api/labs`) written in oVirt's style. A network or VM belongs to at most
 * one lab, and a lab's VMs use only its own networks (or ones of no lab), so two labs in
 * one engine never touch each other.
 */
import { z } from 'zod';

import { Uuid } from './common';

export interface Lab {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly creationTime: string;
  /** Ids of the lab's networks and VMs (attachment rows). */
  readonly networkIds: readonly string[];
  readonly vmIds: readonly string[];
}

/** Same limits as other entity names here; the charset keeps names usable in files and URLs. */
export const LAB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export const AddLabInput = z
  .object({ name: z.string(), description: z.string().max(4000).optional() })
  .strict();

export const UpdateLabInput = z
  .object({ id: Uuid, description: z.string().max(4000).optional() })
  .strict();

/** Attach/detach one member: exactly one of `networkId`, `vmId`. */
export const LabMemberInput = z
  .object({ labId: Uuid, networkId: Uuid.optional(), vmId: Uuid.optional() })
  .strict()
  .refine((m) => (m.networkId === undefined) !== (m.vmId === undefined), {
    message: 'exactly one of networkId, vmId',
  });
