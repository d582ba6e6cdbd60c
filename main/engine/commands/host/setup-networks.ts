// SPDX-License-Identifier: Apache-2.0
/**
 * The HostSetupNetworks core shared by HostSetupNetworks, Add/RemoveNetworkAttachment and
 * Add/RemoveHostNetworkLabel (oVirt runs those through HostSetupNetworks too). Validation
 * follows oVirt's order (§3.5 of the reference) with the seeds' changes: an attachment
 * without a NIC is allowed for any VM network; an isolated network never goes on a NIC.
 */
import { randomUUID } from 'node:crypto';

import { clustersRepo } from '../../../../db/repos/data-centers.repo';
import { hostLabelsRepo, hostsRepo } from '../../../../db/repos/hosts.repo';
import {
  type AttachmentRecord,
  networkAttachmentsRepo,
} from '../../../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../../../db/repos/networks.repo';
import type { Host } from '../../../contract/hosts';
import type { NetworkAttachment } from '../../../contract/network-attachments';
import type { Network } from '../../../contract/networks';
import type { OpParsedInput } from '../../../contract/operations';
import type { EngineContext, EngineServices } from '../../context';
import { applyHostNetworks, insertMissingAttachments, REACHABLE } from '../../host-networks';
import { effectiveMtu } from '../../host-networks';
import { resolveHostNic, resolveNetwork } from '../../resolve';
import { type Failure, failWith, invalid, notFound, valid, type Validated } from '../../validation';
import { validateLabel } from '../../validators/network.validator';
import { notUsedByRunningVms } from '../../validators/usage.validator';
import { validateVlanOnHost } from '../../validators/vlan.validator';
import { toAttachment } from '../../views';

export type SetupInput = OpParsedInput<'HostSetupNetworks'>;

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

const fail = (f: Failure | null): Validated<never> | null => (f ? invalid(f) : null);

/** Validate a setupnetworks request against the database (no host I/O). */
export function validateSetup(ctx: EngineContext, input: SetupInput): Validated<SetupPlan> {
  const c = ctx.database.db;
  const host = hostsRepo.findById(c, input.hostId);
  if (!host) throw notFound('host', input.hostId);
  const cluster = clustersRepo.findById(c, host.clusterId);
  const dcId = cluster?.dataCenterId ?? null;
  const r0 = fail(
    failWith('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', {
      hostStatus: 'Up, Maintenance or NonOperational',
    }).when(!REACHABLE.includes(host.status)),
  );
  if (r0) return r0;

  const current = networkAttachmentsRepo.listByHost(c, host.id);
  const inCluster = new Set(
    networkClustersRepo.listByCluster(c, host.clusterId).map((nc) => nc.networkId),
  );

  // ── Labels ────────────────────────────────────────────────────────────────────────
  const labelsSet: { label: string; nicId: string | null }[] = [];
  const allLabels = [
    ...input.modifiedLabels.map((l) => l.id),
    ...input.removedLabels.map((l) => l.id),
  ];
  const dup = allLabels.filter((l, i) => allLabels.indexOf(l) !== i);
  const r1 = fail(
    failWith('PARAMS_CONTAIN_DUPLICATE_LABELS', { labels: [...new Set(dup)].join(', ') }).when(
      dup.length > 0,
    ),
  );
  if (r1) return r1;
  for (const l of input.modifiedLabels) {
    const f = validateLabel(l.id);
    if (f) return invalid(f);
    let nicId: string | null = null;
    if (l.hostNic) {
      const nic = resolveHostNic(c, host.id, l.hostNic);
      if (!nic.ok) return invalid(nic.failure);
      nicId = nic.value.id;
    }
    const existing = hostLabelsRepo.find(c, host.id, l.id);
    if (existing && existing.nicId !== null && nicId !== null && existing.nicId !== nicId) {
      return invalid(
        failWith('OTHER_INTERFACE_ALREADY_LABELED', { NicLabel: l.id, LabeledNic: existing.nicId })
          .failure,
      );
    }
    if (!existing || existing.nicId !== nicId) labelsSet.push({ label: l.id, nicId });
  }
  for (const l of input.removedLabels) {
    if (!hostLabelsRepo.find(c, host.id, l.id)) {
      return invalid(failWith('LABEL_NOT_EXIST_IN_HOST', { label: l.id }).failure);
    }
  }

  // ── Removed attachments ───────────────────────────────────────────────────────────
  const removals = new Set<string>();
  const missing: string[] = [];
  for (const r of input.removedNetworkAttachments) {
    let a: AttachmentRecord | undefined;
    if (r.id !== undefined) a = current.find((x) => x.id === r.id);
    else if (r.network) {
      const n = resolveNetwork(c, r.network, dcId);
      a = n.ok ? current.find((x) => x.networkId === n.value.id) : undefined;
    }
    if (!a) missing.push(r.id ?? r.network?.name ?? r.network?.id ?? '?');
    else removals.add(a.id);
  }
  const r2 = fail(
    failWith('NETWORK_ATTACHMENTS_TO_BE_REMOVED_DOES_NOT_EXISTS', {
      attachmentIds: missing.join(', '),
    }).when(missing.length > 0),
  );
  if (r2) return r2;

  // ── Modified attachments ──────────────────────────────────────────────────────────
  const upserts: { attachmentId: string | null; networkId: string; nicId: string | null }[] = [];
  const seen = new Map<string, string>();
  const syncIds = new Set<string>();
  for (const s of input.synchronizedNetworkAttachments) {
    let a: AttachmentRecord | undefined;
    if (s.id !== undefined) a = current.find((x) => x.id === s.id);
    else if (s.network) {
      const n = resolveNetwork(c, s.network, dcId);
      a = n.ok ? current.find((x) => x.networkId === n.value.id) : undefined;
    }
    if (!a)
      return invalid(
        failWith('MODIFIED_NETWORK_ATTACHMENT_DOES_NOT_EXISTS', { attachmentId: s.id ?? '' })
          .failure,
      );
    syncIds.add(a.id);
  }
  for (const m of input.modifiedNetworkAttachments) {
    let existing = m.id !== undefined ? current.find((x) => x.id === m.id) : undefined;
    if (m.id !== undefined && !existing) {
      return invalid(
        failWith('MODIFIED_NETWORK_ATTACHMENT_DOES_NOT_EXISTS', { attachmentId: m.id }).failure,
      );
    }
    let network: Network | null;
    if (m.network) {
      const n = resolveNetwork(c, m.network, dcId);
      if (!n.ok) return invalid(n.failure);
      network = n.value;
    } else if (existing) {
      network = networksRepo.findById(c, existing.networkId);
    } else {
      return invalid(failWith('NETWORK_ATTACHMENT_NETWORK_ID_OR_NAME_IS_NOT_SET').failure);
    }
    if (!network)
      return invalid(failWith('NETWORK_ATTACHMENT_NETWORK_ID_OR_NAME_IS_NOT_SET').failure);
    if (existing && existing.networkId !== network.id) {
      return invalid(
        failWith('CANNOT_CHANGE_ATTACHED_NETWORK', { networkAttachmentID: existing.id }).failure,
      );
    }
    // As oVirt's REST layer does: an id-less attachment of an attached network updates it.
    existing ??= current.find((x) => x.networkId === network.id);
    if (seen.has(network.id)) {
      return invalid(
        failWith('ACTION_TYPE_FAILED_NETWORK_ATTACHMENTS_REFERENCES_SAME_NETWORK_DUPLICATELY', {
          attachmentIds: [seen.get(network.id), m.id ?? 'new'].join(', '),
          networkName: network.name,
        }).failure,
      );
    }
    seen.set(network.id, m.id ?? 'new');
    if (existing && removals.has(existing.id)) {
      return invalid(
        failWith('NETWORK_ATTACHMENT_IN_BOTH_LISTS', { networkName: network.name }).failure,
      );
    }
    if (!inCluster.has(network.id)) {
      return invalid(
        failWith('NETWORK_OF_GIVEN_NAME_NOT_EXISTS_IN_CLUSTER', { networkName: network.name })
          .failure,
      );
    }
    const untaggable = validateVlanOnHost(network);
    if (untaggable) return invalid(untaggable);
    let nicId: string | null = null;
    let maxMtu = host.maxMtu;
    if (m.hostNic) {
      if (network.isolated) {
        return invalid(
          failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_BE_ATTACHED_TO_NIC', {
            networkName: network.name,
          }).failure,
        );
      }
      const nic = resolveHostNic(c, host.id, m.hostNic);
      if (!nic.ok) return invalid(nic.failure);
      nicId = nic.value.id;
      maxMtu = nic.value.maxMtu;
    } else if (!network.vmNetwork) {
      // Seed "Isolated Networks": only VM networks may live on a host without a NIC; for a
      // non-VM network oVirt's own fault for a missing NIC applies.
      return invalid(failWith('HOST_NETWORK_INTERFACE_DOES_NOT_HAVE_NAME_SET').failure);
    }
    if (effectiveMtu(network.mtu) > maxMtu) {
      return invalid(
        failWith('ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY', {
          mtu: effectiveMtu(network.mtu),
          hostName: host.name,
          maxMtu,
        }).failure,
      );
    }
    if (existing && existing.hostNicId === nicId) continue; // unchanged: dropped, as oVirt does
    if (existing && !existing.inSync && !syncIds.has(existing.id)) {
      return invalid(
        failWith('NETWORK_NOT_IN_SYNC', {
          networkName: network.name,
          outOfSyncValues: existing.reportedConfigurations
            .filter((r) => !r.inSync)
            .map((r) => `${r.name.toUpperCase()} HOST - ${r.actualValue}, DC - ${r.expectedValue}`)
            .join(', '),
        }).failure,
      );
    }
    upserts.push({ attachmentId: existing?.id ?? null, networkId: network.id, nicId });
  }

  // Removing an isolated network its cluster requires, or one running VMs use, is refused.
  for (const id of removals) {
    const a = current.find((x) => x.id === id);
    const n = a ? networksRepo.findById(c, a.networkId) : null;
    if (!n) continue;
    if (n.isolated && inCluster.has(n.id)) {
      return invalid(
        failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_REQUIRED_BY_CLUSTER', {
          networkName: n.name,
          clusterName: cluster?.name ?? host.clusterId,
        }).failure,
      );
    }
    const f = notUsedByRunningVms(c, n, host.id);
    if (f) return invalid(f);
  }

  // Removing a label takes away what it provisioned (not isolated networks: the cluster keeps those).
  const modifiedNetworkIds = new Set(upserts.map((u) => u.networkId));
  for (const l of input.removedLabels) {
    const hl = hostLabelsRepo.find(c, host.id, l.id);
    for (const n of networksRepo.listByLabel(c, l.id)) {
      if (n.isolated || !inCluster.has(n.id) || modifiedNetworkIds.has(n.id)) continue;
      const a = current.find((x) => x.networkId === n.id && x.hostNicId === (hl?.nicId ?? null));
      if (!a) continue;
      const f = notUsedByRunningVms(c, n, host.id);
      if (f) return invalid(f);
      removals.add(a.id);
    }
  }

  // One untagged network per NIC (the host layer has no VLAN devices).
  const perNic = new Map<string, number>();
  const finalNic = new Map(
    current.filter((a) => !removals.has(a.id)).map((a) => [a.networkId, a.hostNicId]),
  );
  for (const u of upserts) finalNic.set(u.networkId, u.nicId);
  for (const nicId of finalNic.values())
    if (nicId !== null) perNic.set(nicId, (perNic.get(nicId) ?? 0) + 1);
  const crowded = [...perNic.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  const r3 = fail(
    failWith('NETWORK_INTERFACES_NOT_EXCLUSIVELY_USED_BY_UNTAGGED_NETWORK', {
      nicNames: crowded.join(', '),
    }).when(crowded.length > 0),
  );
  if (r3) return r3;

  const force = current
    .filter((a) => syncIds.has(a.id))
    .map((a) => networksRepo.findById(c, a.networkId)?.vdsmName ?? '');
  return valid({
    host,
    upserts,
    removals: [...removals],
    labelsSet,
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
