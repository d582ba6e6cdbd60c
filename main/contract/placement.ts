// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: oVirt's `placement_policy` (AM `types/VmPlacementPolicy.java`): the hosts a VM
 * may start on and its `affinity` (oVirt's migration support). As in oVirt's scheduler,
 * `pinned` makes the hosts a filter (PinToHost: only they may run it); otherwise they are
 * preferred (PreferredHosts: one of them when one is Up, else any Up host). No hosts: the
 * Up host with the most free memory.
 */
import { z } from 'zod';

import { Ref } from './common';

export const VM_AFFINITIES = ['migratable', 'user_migratable', 'pinned'] as const;
export type VmAffinity = (typeof VM_AFFINITIES)[number];

/** Input: hosts by id or name (Ansible sends names). */
export const PlacementPolicyInput = z
  .object({
    affinity: z.enum(VM_AFFINITIES).optional(),
    hosts: z.array(Ref).max(64).optional(),
  })
  .strict();
export type PlacementPolicyInput = z.input<typeof PlacementPolicyInput>;

/** As stored and read: host ids in the order given (the first is the run-once destination). */
export interface PlacementPolicy {
  readonly affinity: VmAffinity;
  readonly hostIds: readonly string[];
}
