// SPDX-License-Identifier: Apache-2.0
/**
 * Keeps the segment services' leases and names in step with VMs and vNICs (issue 12), and
 * brings every service back on host activation and engine start.
 *
 * VM and vNIC commands do not touch the host for this: after they commit, their entity
 * events wake the watcher, which recomputes the desired services of the local host's
 * networks under the host-networks lock (so it never races a setupNetworks) and sends only
 * the plans that changed — for the host layer a change of leases or names is a file rewrite
 * and a SIGHUP to dnsmasq, no rebuild. A failure is recorded in the audit log and retried at
 * the next change or activation; the VM command that caused it has already succeeded.
 */
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { auditRepo } from '../../../db/repos/users.repo';
import type { SegmentPlan } from '../../../libvirt/host-agent';
import { lockKey } from '../command';
import type { EngineServices } from '../context';
import { REACHABLE } from '../host-networks';
import { desiredSegmentsOnHost, persistAllocations } from './segment-plan';
import { appliedSegments, segmentFailureText } from './segment-services';

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Record a segment-service outcome in the audit log (never throws). */
function segmentEvent(
  services: EngineServices,
  severity: 'normal' | 'warning' | 'error',
  code: string,
  networkId: string | null,
  text: string,
): void {
  try {
    const event = auditRepo.insert(services.database.db, {
      time: new Date().toISOString(),
      severity,
      code,
      description: `${text} (User: SYSTEM).`,
      user: 'SYSTEM',
      correlationId: null,
      dataCenterId: null,
      clusterId: null,
      hostId: services.localHostId,
      networkId,
      vmId: null,
    });
    services.events.publish({ type: 'audit', event });
  } catch {
    // The audit log itself may be unavailable; the service state is still reported by queries.
  }
}

/** Apply one plan, remembering it; a failure becomes an audit event. */
async function apply(
  services: EngineServices,
  network: string,
  networkId: string | null,
  plan: SegmentPlan | null,
): Promise<boolean> {
  try {
    await services.host.setupSegmentServices(network, plan);
    appliedSegments(services.database).set(network, JSON.stringify(plan));
    return true;
  } catch (e) {
    appliedSegments(services.database).delete(network);
    segmentEvent(
      services,
      'error',
      'NETWORK_SEGMENT_SERVICES_FAILED',
      networkId,
      segmentFailureText(network, e),
    );
    return false;
  }
}

/** Compute the host's desired services, store new allocations, return them. */
function plannedOnHost(
  services: EngineServices,
  hostId: string,
): ReturnType<typeof desiredSegmentsOnHost> {
  return services.database.transaction((tx) => {
    const desired = desiredSegmentsOnHost(tx, hostId);
    for (const seg of desired.values()) persistAllocations(tx, seg);
    return desired;
  });
}

/**
 * Send the plans that differ from what was last applied (`all`: every plan, e.g. after the
 * host restarted). Call with the host-networks lock held.
 */
async function syncHost(services: EngineServices, hostId: string, all: boolean): Promise<void> {
  const host = hostsRepo.findById(services.database.db, hostId);
  if (!host || !REACHABLE.includes(host.status)) return;
  const desired = plannedOnHost(services, hostId);
  const applied = appliedSegments(services.database);
  for (const [network, seg] of desired) {
    if (!all && applied.get(network) === JSON.stringify(seg.plan)) continue;
    await apply(services, network, seg.networkId, seg.plan);
  }
}

/**
 * Host activation and engine start: let the host rebuild what it recorded, take down what
 * the engine no longer wants (a plan turned off while the engine was away), and apply every
 * plan the database holds. Never throws: problems are audit events.
 */
export async function restoreSegmentServices(
  services: EngineServices,
  hostId: string,
): Promise<void> {
  let recorded: Record<string, unknown> = {};
  try {
    recorded = await services.host.restoreSegmentServices();
  } catch (e) {
    segmentEvent(
      services,
      'warning',
      'NETWORK_SEGMENT_SERVICES_FAILED',
      null,
      `The host could not restore its DHCP/DNS services: ${describe(e)}`,
    );
  }
  const desired = plannedOnHost(services, hostId);
  for (const network of Object.keys(recorded)) {
    if (!desired.has(network)) await apply(services, network, null, null);
  }
  for (const [network, seg] of desired) await apply(services, network, seg.networkId, seg.plan);
}

/** The running watcher: `stop()` at engine close, `idle()` for tests. */
export interface SegmentWatch {
  stop(): void;
  /** Settles when no sync is pending or running. */
  idle(): Promise<void>;
}

/** How long to gather events (a VM with its NICs is several) before one sync. */
const DEBOUNCE_MS = 50;

/** Watch entity events and keep the local host's segment services in step. */
export function watchSegments(services: EngineServices): SegmentWatch {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let waiters: (() => void)[] = [];
  let stopped = false;
  const run = async (): Promise<void> => {
    const release = await services.locks
      .acquire([lockKey.hostNetworks(services.localHostId)], services.lockTimeoutMs)
      .catch(() => null);
    if (!release) {
      // A long network command holds the host: try again shortly.
      schedule();
      return;
    }
    try {
      await syncHost(services, services.localHostId, false);
    } catch {
      // Database unavailable: the next event or activation syncs again.
    } finally {
      release();
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      running = running.then(run).finally(() => {
        if (timer === null) {
          for (const w of waiters) w();
          waiters = [];
        }
      });
    }, DEBOUNCE_MS);
  };
  const unsubscribe = services.events.subscribe((e) => {
    if (e.type !== 'entity') return;
    if (e.entity === 'vm' || e.entity === 'vm_nic') schedule();
  });
  return {
    stop: () => {
      stopped = true;
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
    idle: () =>
      timer === null
        ? running
        : new Promise<void>((resolve) => {
            waiters.push(resolve);
          }),
  };
}
