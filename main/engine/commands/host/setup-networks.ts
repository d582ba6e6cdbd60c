// SPDX-License-Identifier: Apache-2.0
/**
 * The HostSetupNetworks core shared by HostSetupNetworks, Add/RemoveNetworkAttachment and
 * Add/RemoveHostNetworkLabel (oVirt runs those through HostSetupNetworks too): validation
 * (the rules, one function each, in setup-rules.ts) and execution through the host-network
 * entry.
 */
import { randomUUID } from 'node:crypto';

import { clustersRepo } from '../../../../db/repos/data-centers.repo';
import { hostLabelsRepo, hostsRepo } from '../../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../../../db/repos/networks.repo';
import type { Host } from '../../../contract/hosts';
import type { NetworkAttachment } from '../../../contract/network-attachments';
import type { EngineContext, EngineServices } from '../../context';
import { applyHostNetworks, insertMissingAttachments } from '../../host-network';
import { invalid, notFound, valid, type Validated } from '../../validation';
import { toAttachment } from '../../views';
import {
  hostReachable,
  labelChanges,
  labelRemovals,
  modifiedAttachments,
  oneNetworkPerNic,
  removalsAllowed,
  removedAttachments,
  type SetupInput,
  type SetupScope,
  synchronizedAttachments,
} from './setup-rules';

export type { SetupInput } from './setup-rules';

export interface SetupPlan {
  readonly host: Host;
  /** New attachments and NIC changes of existing ones. */
  readonly upserts: readonly {
    attachmentId: string | null;
    networkId: string;
    nicId: string | null;
  }[];
  readonly removals: readonly string[];
  readonly labelsSet: readonly { label: string; nicId: string | null }[];
  readonly labelsRemoved: readonly string[];
  /** On-host names to re-apply as defined (synchronized attachments). */
  readonly force: readonly string[];
  readonly commitOnSuccess: boolean;
}

/** Validate a setupnetworks request against the database (no host I/O); rules: setup-rules.ts. */
export function validateSetup(ctx: EngineContext, input: SetupInput): Validated<SetupPlan> {
  const c = ctx.database.db;
  const host = hostsRepo.findById(c, input.hostId);
  if (!host) throw notFound('host', input.hostId);
  const cluster = clustersRepo.findById(c, host.clusterId);
  const s: SetupScope = {
    c,
    host,
    cluster,
    dcId: cluster?.dataCenterId ?? null,
    current: networkAttachmentsRepo.listByHost(c, host.id),
    inCluster: new Set(
      networkClustersRepo.listByCluster(c, host.clusterId).map((nc) => nc.networkId),
    ),
  };
  const reachable = hostReachable(host);
  if (reachable) return invalid(reachable);
  const labels = labelChanges(s, input);
  if (!labels.ok) return labels;
  const removed = removedAttachments(s, input);
  if (!removed.ok) return removed;
  const removals = removed.plan;
  const synced = synchronizedAttachments(s, input);
  if (!synced.ok) return synced;
  const syncIds = synced.plan;
  const modified = modifiedAttachments(s, input, removals, syncIds);
  if (!modified.ok) return modified;
  const upserts = modified.plan;
  const f =
    removalsAllowed(s, removals) ??
    labelRemovals(s, input, upserts, removals) ??
    oneNetworkPerNic(s, removals, upserts);
  if (f) return invalid(f);
  const force = s.current
    .filter((a) => syncIds.has(a.id))
    .map((a) => networksRepo.findById(c, a.networkId)?.vdsmName ?? '');
  return valid({
    host,
    upserts,
    removals: [...removals],
    labelsSet: labels.plan,
    labelsRemoved: input.removedLabels.map((l) => l.id),
    force: force.filter(Boolean),
    commitOnSuccess: input.commitOnSuccess,
  });
}

/** Apply a validated plan: database intent → host → reports (or compensation). */
export async function executeSetup(
  ctx: EngineServices,
  command: string,
  plan: SetupPlan,
): Promise<NetworkAttachment[]> {
  const hostId = plan.host.id;
  const labelled = new Set<string>();
  await applyHostNetworks(ctx, {
    command,
    hostId,
    mutate: (tx) => {
      for (const l of plan.labelsRemoved) hostLabelsRepo.delete(tx, hostId, l);
      for (const l of plan.labelsSet) {
        hostLabelsRepo.delete(tx, hostId, l.label);
        hostLabelsRepo.insert(tx, hostId, l.label, l.nicId);
        for (const n of networksRepo.listByLabel(tx, l.label)) labelled.add(n.id);
      }
      for (const id of plan.removals) networkAttachmentsRepo.delete(tx, id);
      for (const u of plan.upserts) {
        if (u.attachmentId !== null) networkAttachmentsRepo.setNic(tx, u.attachmentId, u.nicId);
        else
          networkAttachmentsRepo.insert(tx, {
            id: randomUUID(),
            hostId,
            networkId: u.networkId,
            nicId: u.nicId,
          });
      }
      if (labelled.size > 0) insertMissingAttachments(tx, hostId, labelled);
    },
    force: plan.force,
    // The host layer always rolls back on failure (check_connectivity=true semantics);
    // there is no remote engine connectivity to confirm on an All-in-One host.
    pushToHost: true,
    commitOnSuccess: plan.commitOnSuccess,
  });
  ctx.events.entity('host', hostId, 'updated');
  return attachmentsOf(ctx, hostId);
}

/** A host's attachments as the contract shows them. */
export function attachmentsOf(ctx: EngineServices, hostId: string): NetworkAttachment[] {
  return networkAttachmentsRepo.listByHost(ctx.database.db, hostId).map(toAttachment);
}
