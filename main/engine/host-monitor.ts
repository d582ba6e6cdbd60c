// SPDX-License-Identifier: Apache-2.0
/**
 * Host liveness (oVirt's `VdsManager` monitoring, reduced to one cheap question): does the
 * hypervisor answer? While libvirtd does not, the local host is `non_responsive` (so the
 * scheduler refuses to start VMs on it instead of failing half-way); when it answers again it
 * goes back `up` and VM statuses are re-aligned with the domains that actually run.
 */
import { hostsRepo } from '../../db/repos/hosts.repo';
import { auditRepo } from '../../db/repos/users.repo';
import { HostError, HostErrorCode } from '../contract/errors';
import type { HostStatus } from '../contract/hosts';
import { reconcileVms } from './activation';
import { lockKey } from './command';
import type { EngineServices } from './context';

/** Statuses a host leaves for `non_responsive` when its hypervisor stops answering. */
const MONITORED: readonly HostStatus[] = ['up', 'non_operational', 'initializing', 'connecting'];

/** Is this error "the hypervisor cannot be reached" (not a refusal of one call)? */
export const isUnreachable = (e: unknown): boolean =>
  e instanceof HostError && e.code === HostErrorCode.HYPERVISOR_UNREACHABLE;

/**
 * Ask the hypervisor once and move the host between `up` and `non_responsive` accordingly.
 * Returns whether it answered. Never throws.
 */
export async function checkHost(ctx: EngineServices): Promise<boolean> {
  let reachable = true;
  try {
    await ctx.host.domainList();
  } catch (e) {
    reachable = !isUnreachable(e);
  }
  try {
    // A command working on the host decides its status itself (activation, maintenance).
    if (ctx.locks.isLocked(lockKey.host(ctx.localHostId))) return reachable;
    const host = hostsRepo.findById(ctx.database.db, ctx.localHostId);
    if (!host) return reachable;
    let next: { status: HostStatus; detail: string | null; text: string } | null = null;
    if (!reachable && MONITORED.includes(host.status)) {
      next = {
        status: 'non_responsive',
        detail: 'the hypervisor (libvirtd) does not answer',
        text: `Host ${host.name} is non responsive: the hypervisor (libvirtd) does not answer`,
      };
    } else if (reachable && host.status === 'non_responsive') {
      next = { status: 'up', detail: null, text: `Host ${host.name} answers again and is Up` };
    }
    if (next === null) return reachable;
    const change = next;
    ctx.database.transaction((tx) => {
      hostsRepo.update(tx, host.id, { status: change.status, statusDetail: change.detail });
      const event = auditRepo.insert(tx, {
        time: new Date().toISOString(),
        severity: change.status === 'up' ? 'normal' : 'error',
        code: change.status === 'up' ? 'VDS_DETECTED' : 'VDS_FAILURE',
        description: `${change.text}.`,
        user: 'SYSTEM',
        correlationId: null,
        dataCenterId: null,
        clusterId: host.clusterId,
        hostId: host.id,
        networkId: null,
        vmId: null,
      });
      ctx.events.publish({ type: 'audit', event });
    });
    ctx.events.entity('host', host.id, 'updated');
    if (change.status === 'up') await reconcileVms(ctx, host.id).catch(() => []);
  } catch {
    // Database busy: the next round decides.
  }
  return reachable;
}

/** Check every `intervalMs` until the returned stop function is called. */
export function monitorHost(ctx: EngineServices, intervalMs: number): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = (): void => {
    timer = setTimeout(() => {
      void checkHost(ctx).finally(() => {
        if (!stopped) round();
      });
    }, intervalMs);
    timer.unref();
  };
  round();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
