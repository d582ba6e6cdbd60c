// SPDX-License-Identifier: Apache-2.0
/**
 * Applying network changes to a host, the way oVirt's HostSetupNetworksCommand does, with
 * the database as the desired state:
 *
 *   tx 1  record intent: compensation snapshot + the new rows (status `configuring`)
 *   ────  host I/O, outside any transaction: hostAgent.setupNetworks(diff)
 *   tx 2  store what the host reports (in_sync, reported configurations), drop the intent
 *         — or, on a host failure, restore the snapshot so the database is exactly as before.
 *
 * The request sent to the host is derived by diffing the host's attachments before and
 * after the mutation, so every command (setup networks, cluster attach, label, MTU change)
 * shares one code path and one compensation story.
 */
import { randomUUID } from 'node:crypto';

import type { Conn, SnapshotTable, Tx } from '../../db/client';
import { hostLabelsRepo, hostNicsRepo, hostsRepo } from '../../db/repos/hosts.repo';
import type { IntentRecord } from '../../db/repos/intents.repo';
import { networkAttachmentsRepo } from '../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../db/repos/networks.repo';
import { nowIso } from '../../db/repos/rows';
import type { NetworkSetup, ReportedNetwork, SetupNetworksRequest } from '../../libvirt/host-agent';
import type { HostStatus } from '../contract/hosts';
import type { ReportedConfiguration } from '../contract/network-attachments';
import { DEFAULT_MTU, type Network } from '../contract/networks';
import type { EngineContext, EngineServices } from './context';
import { dropIntent, restoreIntent } from './intent-steps';
import { hostFailure, runIntent } from './intents';
import { desiredSegmentsOnHost, persistAllocations } from './segment/segment-plan';
import {
  recoverSegmentServices,
  segmentChanges,
  undoSegmentServices,
  withSegmentServices,
} from './segment/segment-services';
import { CommandFailure } from './validation';
import { validateVlanOnHost } from './validators/vlan.validator';

/** MTU 0 means the default. */
export const effectiveMtu = (mtu: number): number => (mtu === 0 ? DEFAULT_MTU : mtu);

/** Host statuses in which the engine talks to the host's network layer. */
export const REACHABLE: readonly HostStatus[] = ['up', 'maintenance', 'non_operational'];

/** The host-agent setup for one network on a host. */
export function desiredSetup(network: Network, nicName: string | null): NetworkSetup {
  return {
    ...(nicName === null ? {} : { nic: nicName }),
    mtu: effectiveMtu(network.mtu),
    bridged: true,
    stp: network.stp,
  };
}

const sameSetup = (a: NetworkSetup, b: NetworkSetup): boolean =>
  a.nic === b.nic && a.mtu === b.mtu && a.stp === b.stp;

/** Compare the definition with the host's report (oVirt `ReportedConfiguration`s). */
export function reportedConfigurations(
  network: Network,
  nicName: string | null,
  report: ReportedNetwork,
): { inSync: boolean; configurations: ReportedConfiguration[] } {
  const rc = (
    name: ReportedConfiguration['name'],
    expected: string,
    actual: string,
    inSync = expected === actual,
  ): ReportedConfiguration => ({ name, expectedValue: expected, actualValue: actual, inSync });
  const ports = [...(report.nic === null ? [] : [report.nic]), ...report.taps];
  const configurations = [
    rc('exists', 'true', String(report.exists)),
    rc('mtu', String(effectiveMtu(network.mtu)), report.mtu === null ? '' : String(report.mtu)),
    rc('bridged', 'true', String(report.bridged)),
    ...(report.stp === null ? [] : [rc('stp', String(network.stp), String(report.stp))]),
    // The uplink is what must match; VM taps come and go and are shown for information.
    rc('ports', nicName ?? '', ports.join(','), (report.nic ?? null) === nicName),
    ...(report.exists ? isolationConfigurations(report) : []),
  ];
  return { inSync: configurations.every((c) => c.inSync), configurations };
}

/**
 * Isolation drift (issue 13 item 6): the host layer keeps every bridge without host addresses,
 * up, and with the sysctls that make the host answer nothing on it; anything else is out of sync.
 */
function isolationConfigurations(report: ReportedNetwork): ReportedConfiguration[] {
  const rc = (
    name: ReportedConfiguration['name'],
    expected: string,
    actual: string,
  ): ReportedConfiguration => ({
    name,
    expectedValue: expected,
    actualValue: actual,
    inSync: expected === actual,
  });
  const out = [
    rc('ipv4_address', '', report.ipv4.join(',')),
    rc('ipv6_address', '', report.ipv6.join(',')),
  ];
  if (report.up !== undefined) out.push(rc('link_state', 'up', report.up ? 'up' : 'down'));
  if (report.ipv6Disabled !== undefined && report.ipv4HostBlocked !== undefined) {
    const actual = [
      ...(report.ipv6Disabled ? [] : ['ipv6 enabled']),
      ...(report.ipv4HostBlocked ? [] : ['host answers arp or rp_filter off']),
    ];
    out.push(rc('isolation', 'host unreachable', actual.join(', ') || 'host unreachable'));
  }
  return out;
}

/** On-host name → desired setup, for every attachment of the host as the DB says now. */
export function hostDesiredState(
  c: Conn,
  hostId: string,
): Map<
  string,
  { setup: NetworkSetup; network: Network; nicName: string | null; attachmentId: string }
> {
  const out = new Map<
    string,
    { setup: NetworkSetup; network: Network; nicName: string | null; attachmentId: string }
  >();
  // One query for all networks, not one per attachment: this runs on every deploy.
  const networks = new Map(networksRepo.list(c).map((n) => [n.id, n]));
  for (const a of networkAttachmentsRepo.listByHost(c, hostId)) {
    const network = networks.get(a.networkId);
    if (!network) continue;
    out.set(network.vdsmName, {
      setup: desiredSetup(network, a.hostNicName),
      network,
      nicName: a.hostNicName,
      attachmentId: a.id,
    });
  }
  return out;
}

export interface HostNetworkChange {
  /** Command name, stored with the intent. */
  readonly command: string;
  readonly hostId: string;
  /** Rows beyond the host's attachments and labels that `mutate` changes. */
  readonly snapshots?: readonly (readonly [SnapshotTable, string, string])[];
  /** The database change (intent). Runs inside transaction 1. */
  mutate(tx: Tx): void;
  /** On-host names to re-apply even when unchanged (sync, repair). */
  readonly force?: readonly string[];
  /** Whether to talk to the host at all (false: the DB change is enough, e.g. host down). */
  readonly pushToHost: boolean;
  readonly commitOnSuccess?: boolean;
}

export { hostFailure } from './intents';

/**
 * Apply `change` to the database and the host with compensation (see the file comment).
 * @throws CommandFailure with the host's error code when the host refused or rolled back
 *   (the database is then exactly as before)
 */
export async function applyHostNetworks(
  ctx: EngineServices,
  change: HostNetworkChange,
): Promise<void> {
  const { database } = ctx;
  const flag = (tx: Tx, on: boolean): void => {
    hostsRepo.update(tx, change.hostId, { networkOperationInProgress: on });
  };
  const setupBridges = async (
    request: SetupNetworksRequest,
    inverse: SetupNetworksRequest,
  ): Promise<Record<string, ReportedNetwork>> => {
    // A change of address plans only: the bridges stay as they are.
    if (Object.keys(request.networks).length === 0) return {};
    const reports = await ctx.host.setupNetworks(request);
    if (change.commitOnSuccess) {
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
  const beforeIds = await runIntent(ctx, {
    command: change.command,
    kind: 'host-networks',
    hostId: change.hostId,
    snapshots: [
      ['network_attachments', 'host_id', change.hostId],
      ['host_network_label', 'host_id', change.hostId],
      ...(change.snapshots ?? []),
    ],
    prepare: (tx) => {
      const ids = new Set(networkAttachmentsRepo.listByHost(tx, change.hostId).map((a) => a.id));
      const before = hostDesiredState(tx, change.hostId);
      const segmentsBefore = desiredSegmentsOnHost(tx, change.hostId);
      change.mutate(tx);
      const after = hostDesiredState(tx, change.hostId);
      const networks: Record<string, NetworkSetup | { readonly remove: true }> = {};
      const force = new Set(change.force ?? []);
      for (const [name, a] of after) {
        const b = before.get(name);
        if (!b || !sameSetup(a.setup, b.setup) || force.has(name)) networks[name] = a.setup;
      }
      for (const name of before.keys()) if (!after.has(name)) networks[name] = { remove: true };
      // Every path that puts a network on the host ends here (labels included): never a
      // tagged network bridged untagged (issue 13 item 4).
      for (const name of Object.keys(networks)) {
        const f = validateVlanOnHost(after.get(name)?.network ?? { name, vlanId: null });
        if (f) throw new CommandFailure(f.code, f.vars);
      }
      // What puts the host back if a later step (commit, tx 2) fails after the host applied it.
      const inverse: SetupNetworksRequest = {
        networks: Object.fromEntries(
          Object.keys(networks).map((n) => [n, before.get(n)?.setup ?? { remove: true as const }]),
        ),
      };
      // DHCP/DNS segment services (issue 12) follow their networks and address plans.
      const segmentsAfter = desiredSegmentsOnHost(tx, change.hostId);
      for (const seg of segmentsAfter.values()) persistAllocations(tx, seg);
      const segments = change.pushToHost
        ? segmentChanges(segmentsBefore, segmentsAfter, Object.keys(networks))
        : [];
      const touched = [...new Set([...Object.keys(networks), ...segments.map((c) => c.network)])];
      const touchHost =
        (Object.keys(networks).length > 0 || segments.length > 0) && change.pushToHost;
      if (touchHost) flag(tx, true);
      return {
        plan: { request: { networks }, inverse, beforeIds: ids, segments },
        hostNetworks: touched,
        payload: { hostNetworks: touched },
        touchHost,
      };
    },
    host: ({ request, inverse, segments }) =>
      withSegmentServices(
        ctx,
        segments,
        () => setupBridges(request, inverse),
        async () => {
          if (Object.keys(inverse.networks).length > 0) await ctx.host.setupNetworks(inverse);
        },
      ),
    onCompensate: (tx) => {
      flag(tx, false);
    },
    undoHost: ({ inverse, segments }) =>
      undoSegmentServices(ctx, segments, async () => {
        if (Object.keys(inverse.networks).length === 0) return;
        await ctx.host.setupNetworks(inverse);
        if (change.commitOnSuccess) await ctx.host.commitNetworkConfig();
      }),
    commit: (tx, reports, plan) => {
      storeReports(tx, change.hostId, reports ?? {});
      for (const a of networkAttachmentsRepo.listByHost(tx, change.hostId)) {
        // Rows not sent to the host (unchanged, or host not reachable) keep their last report.
        if (a.status === 'configuring') {
          networkAttachmentsRepo.report(tx, a.id, {
            inSync: a.inSync,
            reportedConfigurations: a.reportedConfigurations,
            reportedAt: a.reportedAt ?? nowIso(),
          });
        }
      }
      flag(tx, false);
      const host = hostsRepo.findById(tx, change.hostId);
      if (host) refreshClusterNetworkStatus(tx, host.clusterId);
      return plan.beforeIds;
    },
  });
  const afterIds = new Set(
    networkAttachmentsRepo.listByHost(database.db, change.hostId).map((a) => a.id),
  );
  for (const id of afterIds)
    ctx.events.entity('network_attachment', id, beforeIds.has(id) ? 'updated' : 'added');
  for (const id of beforeIds)
    if (!afterIds.has(id)) ctx.events.entity('network_attachment', id, 'removed');
}

/**
 * Recovery of a `host-networks` intent (see recoveries.ts): restore the rows, then make each
 * network the command touched match the restored database on the host, one network per
 * request so one refusal does not block the others. The host layer refuses to remove a
 * bridge it does not own (it records ownership before creating one), so a device this
 * product did not create is never touched.
 * @throws Error listing every network the host refused
 */
export async function recoverHostNetworks(
  ctx: EngineServices,
  intent: IntentRecord,
): Promise<void> {
  restoreIntent(ctx, intent, (tx) => {
    if (intent.hostId !== null)
      hostsRepo.update(tx, intent.hostId, { networkOperationInProgress: false });
  });
  const problems: string[] = [];
  if (intent.hostId !== null) {
    const wanted = hostDesiredState(ctx.database.db, intent.hostId);
    for (const name of intent.hostNetworks) {
      const setup = wanted.get(name)?.setup;
      try {
        await ctx.host.setupNetworks({ networks: { [name]: setup ?? { remove: true } } });
      } catch (e) {
        const f = hostFailure(e);
        problems.push(`${name}: ${f.message}`);
      }
    }
    // Segment services (issue 12) of those networks, as the restored database wants them.
    problems.push(...(await recoverSegmentServices(ctx, intent.hostId, intent.hostNetworks)));
  }
  dropIntent(ctx, intent);
  if (problems.length > 0)
    throw new Error(`the host did not take back every network: ${problems.join('; ')}`);
}

/** A change to rows every host shares (a network's cluster link or its label). */
export interface SharedChange {
  /** The rows `mutate` changes, for compensation. */
  readonly snapshot: readonly [SnapshotTable, string, string];
  mutate(tx: Tx): void;
}

/**
 * Change shared rows and, host by host, each host's networks accordingly (through
 * {@link applyHostNetworks}). The shared change rides in the first host's intent, so a failure
 * there restores it with the host's rows; with no host involved it is one plain transaction.
 * Each host done gets an `updated` event; the first failure stops the loop and propagates.
 */
export async function applySharedToHosts(
  ctx: EngineServices,
  command: string,
  shared: SharedChange,
  hostIds: readonly string[],
  perHost: { mutate(tx: Tx, hostId: string): void; pushToHost(hostId: string): boolean },
): Promise<void> {
  if (hostIds.length === 0) {
    ctx.database.transaction((tx) => {
      shared.mutate(tx);
    });
  }
  for (const [i, hostId] of hostIds.entries()) {
    await applyHostNetworks(ctx, {
      command,
      hostId,
      snapshots: i === 0 ? [shared.snapshot] : [],
      mutate: (tx) => {
        if (i === 0) shared.mutate(tx);
        perHost.mutate(tx, hostId);
      },
      pushToHost: perHost.pushToHost(hostId),
    });
    ctx.events.entity('host', hostId, 'updated');
  }
}

/** Store host reports on the matching attachments (by on-host name). */
export function storeReports(
  tx: Tx,
  hostId: string,
  reports: Record<string, ReportedNetwork>,
): void {
  if (Object.keys(reports).length === 0) return;
  const at = nowIso();
  for (const [name, d] of hostDesiredState(tx, hostId)) {
    const report = reports[name];
    if (!report) continue;
    const { inSync, configurations } = reportedConfigurations(d.network, d.nicName, report);
    networkAttachmentsRepo.report(tx, d.attachmentId, {
      inSync,
      reportedConfigurations: configurations,
      reportedAt: at,
    });
  }
}

/** Ask the host how every attached network looks now and store it (in_sync, reports). */
export async function refreshReports(ctx: EngineServices, hostId: string): Promise<void> {
  const names = [...hostDesiredState(ctx.database.db, hostId).keys()];
  if (names.length === 0) return;
  const reports = await ctx.host.reportNetworks(names).catch((e: unknown) => {
    throw hostFailure(e);
  });
  ctx.database.transaction((tx) => {
    storeReports(tx, hostId, reports);
  });
}

/**
 * Attachments a host should have without anyone asking (seeds "NIC-less Network" and
 * "Isolated Networks"): every isolated network of its cluster and every VM network of its
 * cluster whose label equals a host-level label — both NIC-less — and, as in oVirt, every
 * non-isolated network whose label sits on one of the host's NICs, over that NIC.
 * Returns network id → NIC id (null = NIC-less).
 */
export function autoProvisioned(c: Conn, hostId: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const host = hostsRepo.findById(c, hostId);
  if (!host) return out;
  const labels = new Map(hostLabelsRepo.listByHost(c, hostId).map((l) => [l.id, l.nicId]));
  for (const nc of networkClustersRepo.listByCluster(c, host.clusterId)) {
    const n = networksRepo.findById(c, nc.networkId);
    if (!n) continue;
    if (n.isolated) {
      out.set(n.id, null);
      continue;
    }
    if (n.label === null || !labels.has(n.label)) continue;
    const nicId = labels.get(n.label) ?? null;
    // Decision: a host-level label provisions VM networks only (a non-VM network needs a NIC).
    if (nicId === null && !n.vmNetwork) continue;
    out.set(n.id, nicId);
  }
  return out;
}

/** Insert the auto-provisioned attachments the host does not carry yet (in a tx). */
export function insertMissingAttachments(
  tx: Tx,
  hostId: string,
  only?: ReadonlySet<string>,
): string[] {
  const added: string[] = [];
  const existing = networkAttachmentsRepo.listByHost(tx, hostId);
  const attached = new Set(existing.map((a) => a.networkId));
  const nicsInUse = new Set(existing.map((a) => a.hostNicId));
  for (const [networkId, nicId] of autoProvisioned(tx, hostId)) {
    if (only && !only.has(networkId)) continue;
    if (attached.has(networkId)) continue;
    // A NIC already carrying another network is left alone (one untagged network per NIC).
    if (nicId !== null && nicsInUse.has(nicId)) continue;
    const id = randomUUID();
    networkAttachmentsRepo.insert(tx, { id, hostId, networkId, nicId });
    attached.add(networkId);
    nicsInUse.add(nicId);
    added.push(id);
  }
  return added;
}

/** Names of NICs a host has, for validators. */
export const hostNicNames = (c: Conn, hostId: string): string[] =>
  hostNicsRepo.listByHost(c, hostId).map((n) => n.name);

/** Progress helper for long host actions. */
export function withProgress<T>(
  ctx: EngineContext,
  description: string,
  run: () => Promise<T>,
): Promise<T> {
  ctx.progress(description, 'started', 0);
  return run().then(
    (r) => {
      ctx.progress(description, 'finished', 1);
      return r;
    },
    (e: unknown) => {
      ctx.progress(description, 'failed');
      throw e;
    },
  );
}

/**
 * oVirt's network status in a cluster: `non_operational` while a required network is missing
 * on an active host of the cluster. Decision for a one-host appliance: this is reported, but
 * does not take the host down (oVirt would set it NonOperational), so a lab keeps running
 * while the admin fixes a NIC-backed network.
 */
export function refreshClusterNetworkStatus(tx: Tx, clusterId: string): void {
  const hosts = hostsRepo
    .listByCluster(tx, clusterId)
    .filter((h) => h.status === 'up' || h.status === 'initializing');
  const carried = hosts.map(
    (h) => new Set(networkAttachmentsRepo.listByHost(tx, h.id).map((a) => a.networkId)),
  );
  for (const nc of networkClustersRepo.listByCluster(tx, clusterId)) {
    const missing = nc.required && carried.some((networks) => !networks.has(nc.networkId));
    const status = missing ? 'non_operational' : 'operational';
    if (status !== nc.status) networkClustersRepo.setStatus(tx, clusterId, nc.networkId, status);
  }
}
