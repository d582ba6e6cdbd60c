// SPDX-License-Identifier: Apache-2.0
/**
 * The host half of a change: set up the bridges (one `setupNetworks`, which the host layer
 * applies atomically and reads back), the segment services around them, and the commit of the
 * configuration; and the way back when the database refuses to record it.
 */
import type { ReportedNetwork, SetupNetworksRequest } from '../../../libvirt/host-agent';
import type { EngineServices } from '../context';
import { undoSegmentServices, withSegmentServices } from '../segment/segment-services';
import type { HostPlan } from './change';

const isEmpty = (r: SetupNetworksRequest): boolean => Object.keys(r.networks).length === 0;

/** Apply `plan` on the host; on failure everything it did is put back before it throws. */
export function applyOnHost(
  ctx: EngineServices,
  plan: HostPlan,
): Promise<Record<string, ReportedNetwork>> {
  const { request, inverse, segments } = plan;
  const setupBridges = async (): Promise<Record<string, ReportedNetwork>> => {
    // A change of address plans only: the bridges stay as they are.
    if (isEmpty(request)) return {};
    const reports = await ctx.host.setupNetworks(request);
    if (plan.commitOnSuccess) {
      try {
        await ctx.host.commitNetworkConfig();
      } catch (e) {
        // setupNetworks rolls itself back; a failed commit after it must be undone here.
        await ctx.host.setupNetworks(inverse).catch(() => undefined);
        throw e;
      }
    }
    return reports;
  };
  return withSegmentServices(ctx, segments, setupBridges, async () => {
    if (!isEmpty(inverse)) await ctx.host.setupNetworks(inverse);
  });
}

/** Put the host back after `applyOnHost(plan)` succeeded (the database refused the result). */
export function undoOnHost(ctx: EngineServices, plan: HostPlan): Promise<void> {
  return undoSegmentServices(ctx, plan.segments, async () => {
    if (isEmpty(plan.inverse)) return;
    await ctx.host.setupNetworks(plan.inverse);
    if (plan.commitOnSuccess) await ctx.host.commitNetworkConfig();
  });
}

/** Several plans as one (their on-host names are disjoint: coalesce.ts makes sure). */
export function mergePlans(plans: readonly HostPlan[]): HostPlan {
  const merged = (pick: (p: HostPlan) => SetupNetworksRequest): SetupNetworksRequest => ({
    networks: Object.fromEntries(plans.flatMap((p) => Object.entries(pick(p).networks))),
  });
  return {
    request: merged((p) => p.request),
    inverse: merged((p) => p.inverse),
    segments: plans.flatMap((p) => p.segments),
    commitOnSuccess: plans.some((p) => p.commitOnSuccess),
  };
}
