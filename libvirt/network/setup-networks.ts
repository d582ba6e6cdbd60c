// SPDX-License-Identifier: Apache-2.0
/**
 * setupNetworks, VDSM's verb, end to end: canonicalize → validate against host facts →
 * desired state (pure) → apply inside a transaction → read back and verify → on any failure
 * roll back to the exact previous state and throw the original error as
 * SETUP_NETWORKS_ROLLBACK. Success is recorded in the running config.
 *
 * Request shape (see {@link SetupNetworksRequest}):
 * `{ networks: { <bridge name>: { nic?, mtu?, bridged?, stp? } | { remove: true } } }`.
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { NetworkDrift, ReportedNetwork, SetupNetworksRequest } from '../host-agent';
import { type ApplyHooks, applySteps } from './apply';
import { canonicalize } from './canonicalize';
import { desiredState, touchedDevices } from './desired-state';
import { networkDrift } from './drift';
import type { HostFactWatch } from './fact-watch';
import { readDeviceFacts, readHostFacts } from './host-facts';
import { IpSession } from './ip-session';
import { reportNetwork } from './report';
import { NetworkTransaction } from './rollback';
import { ownedNames, type RunningConfig } from './running-config';
import { validateRequest } from './validate';

/** Serializes setupNetworks calls in this process (VDSM holds one lock for the same reason). */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Apply `request` on the host and return the read-back report of every named network.
 * With `watch`, the host facts validation plans against come from its event-driven cache
 * (no re-read of every link per call); the read-back always asks the kernel, for the touched
 * devices only.
 * @throws HostError HOST_NETWORK_INVALID (nothing touched), SETUP_NETWORKS_ROLLBACK (rolled back)
 */
export function setupNetworks(
  request: SetupNetworksRequest,
  config: RunningConfig,
  hooks: ApplyHooks = {},
  watch?: HostFactWatch,
): Promise<Record<string, ReportedNetwork>> {
  const result = queue.then(() => setupNetworksNow(request, config, hooks, watch));
  queue = result.catch(() => undefined);
  return result;
}

async function setupNetworksNow(
  request: SetupNetworksRequest,
  config: RunningConfig,
  hooks: ApplyHooks,
  watch: HostFactWatch | undefined,
): Promise<Record<string, ReportedNetwork>> {
  const canonical = canonicalize(request);
  // Only the request's bridges are planned, snapshotted and verified.
  const named = new Set([...canonical.setups.map((n) => n.name), ...canonical.removals]);
  // The devices the request names are always read fresh (one read for all of them): a change
  // made a moment ago may not have reached the cache yet, and these are the ones that count.
  watch?.invalidate([
    ...named,
    ...canonical.setups.flatMap((n) => (n.nic === null ? [] : [n.nic])),
  ]);
  // One iproute2 process for this request's reads and changes (ip-session.ts).
  const session = new IpSession();
  try {
    return await setupWithSession(canonical, named, config, hooks, watch, session);
  } finally {
    session.close();
  }
}

async function setupWithSession(
  canonical: ReturnType<typeof canonicalize>,
  named: ReadonlySet<string>,
  config: RunningConfig,
  hooks: ApplyHooks,
  watch: HostFactWatch | undefined,
  session: IpSession,
): Promise<Record<string, ReportedNetwork>> {
  const facts = watch ? await watch.facts(named, session) : await readHostFacts(named);
  const running = await config.read();
  const problems = validateRequest(canonical, facts, ownedNames(running));
  if (problems.length > 0) {
    throw new HostError(
      HostErrorCode.HOST_NETWORK_INVALID,
      problems.join('; '),
      problems.join('\n'),
    );
  }
  const steps = desiredState(facts, canonical);
  // Write-ahead: the bridges this call creates are recorded as ours before they exist.
  const creating = steps.flatMap((s) => (s.op === 'bridge-add' ? [s.dev] : []));
  await config.markCreating(creating);
  const tx = NetworkTransaction.begin(facts, steps);
  // Whatever happens next, these devices are no longer as cached (their events may lag).
  const touched = [...named, ...touchedDevices(facts, steps)];
  try {
    await applySteps(steps, hooks, session);
    watch?.invalidate(touched);
    watch?.readingFresh(named);
    const after = await readDeviceFacts(named, session);
    const drift: string[] = [];
    const reports: Record<string, ReportedNetwork> = {};
    for (const net of canonical.setups) {
      const report = reportNetwork(after, net.name, net.nic);
      reports[net.name] = report;
      const d: NetworkDrift[] = networkDrift(
        { ...(net.nic === null ? {} : { nic: net.nic }), mtu: net.mtu, stp: net.stp },
        report,
      );
      for (const x of d)
        drift.push(`${net.name}: ${x.field} expected ${x.expected}, found ${x.actual}`);
    }
    for (const name of canonical.removals) {
      const report = reportNetwork(after, name, null);
      reports[name] = report;
      if (report.exists) drift.push(`${name}: bridge still present after removal`);
    }
    if (drift.length > 0) {
      throw new HostError(
        HostErrorCode.HOST_COMMAND_FAILED,
        `read-back differs: ${drift.join('; ')}`,
        drift.join('\n'),
      );
    }
    await config.update(canonical.setups, canonical.removals);
    return reports;
  } catch (error) {
    watch?.invalidate(touched);
    // The rollback reads and restores with forks of its own.
    session.close();
    try {
      return await tx.rollback(error);
    } finally {
      watch?.invalidate(touched);
      await forgetRemoved(config, creating);
    }
  }
}

/** After a rollback: bridges it removed are no longer ours; ones still there stay recorded. */
async function forgetRemoved(config: RunningConfig, creating: readonly string[]): Promise<void> {
  if (creating.length === 0) return;
  try {
    const facts = await readDeviceFacts(creating);
    await config.forgetCreating(creating.filter((n) => !facts.links.has(n)));
  } catch {
    // Kept as owned: at worst a later removal of a bridge we made is allowed.
  }
}
