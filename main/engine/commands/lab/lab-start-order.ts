// SPDX-License-Identifier: Apache-2.0
/**
 * A lab's start order (groups, depends_on, delays), checked once for both places that take
 * one: StartLab (with the start) and UpdateLab (stored for "Start all"). Every VM named must be
 * the lab's, and depends_on must not loop.
 */
import type { Lab } from '../../../contract/labs';
import { type Failure, failWith } from '../../validation';

export interface OrderEntry {
  readonly vmId: string;
  readonly dependsOn?: readonly string[] | undefined;
}

/** The first VM on a depends_on cycle, or null (depth-first search). */
export function cycleIn(
  entries: readonly { readonly id: string; readonly dependsOn: readonly string[] }[],
): string | null {
  const deps = new Map(entries.map((v) => [v.id, v.dependsOn]));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'done') return false;
    if (state.get(id) === 'open') return true;
    state.set(id, 'open');
    const loops = (deps.get(id) ?? []).some(visit);
    state.set(id, 'done');
    return loops;
  };
  return entries.find((v) => visit(v.id))?.id ?? null;
}

/** Why `order` is not a start order of `lab`, or null. `nameOf` names a VM in the message. */
export function startOrderFailure(
  lab: Lab,
  order: readonly OrderEntry[],
  nameOf: (vmId: string) => string,
): Failure | null {
  const outside = [...order.map((o) => o.vmId), ...order.flatMap((o) => o.dependsOn ?? [])].find(
    (id) => !lab.vmIds.includes(id),
  );
  if (outside !== undefined)
    return failWith('ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID', {
      detail: `VM ${outside} is not in lab ${lab.name}`,
    }).failure;
  const loop = cycleIn(order.map((o) => ({ id: o.vmId, dependsOn: o.dependsOn ?? [] })));
  if (loop !== null)
    return failWith('ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID', {
      detail: `depends_on loops through VM ${nameOf(loop)}`,
    }).failure;
  return null;
}
