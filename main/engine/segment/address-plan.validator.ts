// SPDX-License-Identifier: Apache-2.0
/**
 * The address plan of a network (issue 12) in AddNetwork/UpdateNetwork: the pure rules of
 * `canonicalAddressPlan` (shared with the UI) turned into oVirt-style faults, plus the one
 * rule that needs the network: only isolated networks carry one.
 */
import {
  type AddressPlan,
  type AddressPlanInput,
  canonicalAddressPlan,
} from '../../contract/networks';
import { type Failure, failWith } from '../validation';

/**
 * The plan a network should store: `undefined` input keeps `current`, null turns it off.
 * @returns the canonical plan (or null), or the failure
 */
export function resolveAddressPlan(
  input: AddressPlanInput | null | undefined,
  current: AddressPlan | null,
  network: { readonly name: string; readonly isolated: boolean },
): { readonly plan: AddressPlan | null } | { readonly failure: Failure } {
  if (input === undefined) {
    if (current !== null && !network.isolated)
      return {
        failure: failWith('ACTION_TYPE_FAILED_ADDRESS_PLAN_REQUIRES_ISOLATED_NETWORK').failure,
      };
    return { plan: current };
  }
  if (input === null) return { plan: null };
  if (!network.isolated)
    return {
      failure: failWith('ACTION_TYPE_FAILED_ADDRESS_PLAN_REQUIRES_ISOLATED_NETWORK').failure,
    };
  const result = canonicalAddressPlan(input, network.name);
  if (!result.ok) {
    return {
      failure: failWith('ACTION_TYPE_FAILED_ADDRESS_PLAN_INVALID', {
        detail: result.problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      }).failure,
    };
  }
  return { plan: result.plan };
}

/** The column value of a plan. */
export const addressPlanColumn = (plan: AddressPlan | null): string | null =>
  plan === null ? null : JSON.stringify(plan);
