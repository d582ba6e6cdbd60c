// SPDX-License-Identifier: Apache-2.0
/**
 * The rules of a setupnetworks request, one function each, in oVirt's order (§3.5 of the
 * reference) with the seeds' changes: an attachment without a NIC is allowed for any VM
 * network; an isolated network never goes on a NIC. validateSetup (setup-networks.ts) runs them
 * in sequence; each answers a failure or what the next rules need.
 */
import type { Conn } from '../../../../db/client';
import { hostLabelsRepo } from '../../../../db/repos/hosts.repo';
import type { AttachmentRecord } from '../../../../db/repos/network-attachments.repo';
import { networksRepo } from '../../../../db/repos/networks.repo';
import type { Cluster } from '../../../contract/clusters';
import type { Host } from '../../../contract/hosts';
import type { Network } from '../../../contract/networks';
import type { OpParsedInput } from '../../../contract/operations';
import { effectiveMtu, REACHABLE } from '../../host-network';
import { resolveHostNic, resolveNetwork } from '../../resolve';
import {
  type Failure,
  failWith,
  invalid,
  valid,
  type Validated,
  type ValidationResult,
} from '../../validation';
import { validateLabel } from '../../validators/network.validator';
import { notUsedByRunningVms } from '../../validators/usage.validator';
import { validateVlanOnHost } from '../../validators/vlan.validator';

export type SetupInput = OpParsedInput<'HostSetupNetworks'>;

/** What every rule looks at: the host, its cluster and its attachments now. */
export interface SetupScope {
  readonly c: Conn;
  readonly host: Host;
  readonly cluster: Cluster | null;
  readonly dcId: string | null;
  readonly current: readonly AttachmentRecord[];
  /** Networks of the host's cluster. */
  readonly inCluster: ReadonlySet<string>;
}

/** A new attachment or a NIC change of an existing one. */
export interface Upsert {
  readonly attachmentId: string | null;
  readonly networkId: string;
  readonly nicId: string | null;
}

const failure = (f: Failure): Validated<never> => invalid(f);
const rule = (r: { failure: Failure }): Validated<never> => invalid(r.failure);

/** The host must be one the engine talks to about networks. */
export const hostReachable = (host: Host): ValidationResult =>
  failWith('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', {
    hostStatus: 'Up, Maintenance or NonOperational',
  }).when(!REACHABLE.includes(host.status));

/** Labels set or moved: valid names, once each, a NIC that exists, not moved between NICs. */
export function labelChanges(
  s: SetupScope,
  input: SetupInput,
): Validated<{ label: string; nicId: string | null }[]> {
  const all = [...input.modifiedLabels.map((l) => l.id), ...input.removedLabels.map((l) => l.id)];
  const dup = all.filter((l, i) => all.indexOf(l) !== i);
  const d = failWith('PARAMS_CONTAIN_DUPLICATE_LABELS', {
    labels: [...new Set(dup)].join(', '),
  }).when(dup.length > 0);
  if (d) return failure(d);
  const labelsSet: { label: string; nicId: string | null }[] = [];
  for (const l of input.modifiedLabels) {
    const f = validateLabel(l.id);
    if (f) return failure(f);
    let nicId: string | null = null;
    if (l.hostNic) {
      const nic = resolveHostNic(s.c, s.host.id, l.hostNic);
      if (!nic.ok) return failure(nic.failure);
      nicId = nic.value.id;
    }
    const existing = hostLabelsRepo.find(s.c, s.host.id, l.id);
    if (existing && existing.nicId !== null && nicId !== null && existing.nicId !== nicId) {
      return rule(
        failWith('OTHER_INTERFACE_ALREADY_LABELED', { NicLabel: l.id, LabeledNic: existing.nicId }),
      );
    }
    if (!existing || existing.nicId !== nicId) labelsSet.push({ label: l.id, nicId });
  }
  for (const l of input.removedLabels) {
    if (!hostLabelsRepo.find(s.c, s.host.id, l.id))
      return rule(failWith('LABEL_NOT_EXIST_IN_HOST', { label: l.id }));
  }
  return valid(labelsSet);
}

/** An attachment named by id or by its network. */
function findAttachment(
  s: SetupScope,
  ref: {
    id?: string | undefined;
    network?: { id?: string | undefined; name?: string | undefined } | undefined;
  },
): AttachmentRecord | undefined {
  if (ref.id !== undefined) return s.current.find((x) => x.id === ref.id);
  if (!ref.network) return undefined;
  const n = resolveNetwork(s.c, ref.network, s.dcId);
  return n.ok ? s.current.find((x) => x.networkId === n.value.id) : undefined;
}

/** Attachments to remove must exist. */
export function removedAttachments(s: SetupScope, input: SetupInput): Validated<Set<string>> {
  const removals = new Set<string>();
  const missing: string[] = [];
  for (const r of input.removedNetworkAttachments) {
    const a = findAttachment(s, r);
    if (!a) missing.push(r.id ?? r.network?.name ?? r.network?.id ?? '?');
    else removals.add(a.id);
  }
  const f = failWith('NETWORK_ATTACHMENTS_TO_BE_REMOVED_DOES_NOT_EXISTS', {
    attachmentIds: missing.join(', '),
  }).when(missing.length > 0);
  return f ? failure(f) : valid(removals);
}

/** Attachments to synchronize must exist. */
export function synchronizedAttachments(s: SetupScope, input: SetupInput): Validated<Set<string>> {
  const ids = new Set<string>();
  for (const r of input.synchronizedNetworkAttachments) {
    const a = findAttachment(s, r);
    if (!a)
      return rule(
        failWith('MODIFIED_NETWORK_ATTACHMENT_DOES_NOT_EXISTS', { attachmentId: r.id ?? '' }),
      );
    ids.add(a.id);
  }
  return valid(ids);
}

type Modified = SetupInput['modifiedNetworkAttachments'][number];

/** The network a modified attachment is about, and the attachment it changes (if any). */
function modifiedTarget(
  s: SetupScope,
  m: Modified,
): Validated<{ network: Network; existing: AttachmentRecord | undefined }> {
  const existing = m.id !== undefined ? s.current.find((x) => x.id === m.id) : undefined;
  if (m.id !== undefined && !existing)
    return rule(failWith('MODIFIED_NETWORK_ATTACHMENT_DOES_NOT_EXISTS', { attachmentId: m.id }));
  let network: Network | null;
  if (m.network) {
    const n = resolveNetwork(s.c, m.network, s.dcId);
    if (!n.ok) return failure(n.failure);
    network = n.value;
  } else if (existing) {
    network = networksRepo.findById(s.c, existing.networkId);
  } else {
    return rule(failWith('NETWORK_ATTACHMENT_NETWORK_ID_OR_NAME_IS_NOT_SET'));
  }
  if (!network) return rule(failWith('NETWORK_ATTACHMENT_NETWORK_ID_OR_NAME_IS_NOT_SET'));
  if (existing && existing.networkId !== network.id)
    return rule(failWith('CANNOT_CHANGE_ATTACHED_NETWORK', { networkAttachmentID: existing.id }));
  // As oVirt's REST layer does: an id-less attachment of an attached network updates it.
  const n = network;
  return valid({ network: n, existing: existing ?? s.current.find((x) => x.networkId === n.id) });
}

/** Where the network goes: a NIC (never for an isolated network) or none (VM networks only). */
function placement(
  s: SetupScope,
  m: Modified,
  network: Network,
): Validated<{ nicId: string | null; maxMtu: number }> {
  if (!m.hostNic) {
    // Seed "Isolated Networks": only VM networks may live on a host without a NIC; for a
    // non-VM network oVirt's own fault for a missing NIC applies.
    if (!network.vmNetwork) return rule(failWith('HOST_NETWORK_INTERFACE_DOES_NOT_HAVE_NAME_SET'));
    return valid({ nicId: null, maxMtu: s.host.maxMtu });
  }
  if (network.isolated) {
    return rule(
      failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_BE_ATTACHED_TO_NIC', {
        networkName: network.name,
      }),
    );
  }
  const nic = resolveHostNic(s.c, s.host.id, m.hostNic);
  if (!nic.ok) return failure(nic.failure);
  return valid({ nicId: nic.value.id, maxMtu: nic.value.maxMtu });
}

/** The network's MTU must fit where it goes. */
const mtuFits = (s: SetupScope, network: Network, maxMtu: number): ValidationResult =>
  failWith('ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY', {
    mtu: effectiveMtu(network.mtu),
    hostName: s.host.name,
    maxMtu,
  }).when(effectiveMtu(network.mtu) > maxMtu);

/** An out-of-sync attachment is changed only together with its synchronization. */
const inSyncOrSynchronized = (
  a: AttachmentRecord,
  network: Network,
  syncIds: ReadonlySet<string>,
): ValidationResult =>
  failWith('NETWORK_NOT_IN_SYNC', {
    networkName: network.name,
    outOfSyncValues: a.reportedConfigurations
      .filter((r) => !r.inSync)
      .map((r) => `${r.name.toUpperCase()} HOST - ${r.actualValue}, DC - ${r.expectedValue}`)
      .join(', '),
  }).when(!a.inSync && !syncIds.has(a.id));

/** Modified attachments, each checked in oVirt's order; unchanged ones are dropped. */
export function modifiedAttachments(
  s: SetupScope,
  input: SetupInput,
  removals: ReadonlySet<string>,
  syncIds: ReadonlySet<string>,
): Validated<Upsert[]> {
  const upserts: Upsert[] = [];
  const seen = new Map<string, string>();
  for (const m of input.modifiedNetworkAttachments) {
    const target = modifiedTarget(s, m);
    if (!target.ok) return target;
    const { network, existing } = target.plan;
    const dup = seen.get(network.id);
    if (dup !== undefined) {
      return rule(
        failWith('ACTION_TYPE_FAILED_NETWORK_ATTACHMENTS_REFERENCES_SAME_NETWORK_DUPLICATELY', {
          attachmentIds: [dup, m.id ?? 'new'].join(', '),
          networkName: network.name,
        }),
      );
    }
    seen.set(network.id, m.id ?? 'new');
    if (existing && removals.has(existing.id))
      return rule(failWith('NETWORK_ATTACHMENT_IN_BOTH_LISTS', { networkName: network.name }));
    if (!s.inCluster.has(network.id)) {
      return rule(
        failWith('NETWORK_OF_GIVEN_NAME_NOT_EXISTS_IN_CLUSTER', { networkName: network.name }),
      );
    }
    const untaggable = validateVlanOnHost(network);
    if (untaggable) return failure(untaggable);
    const where = placement(s, m, network);
    if (!where.ok) return where;
    const { nicId, maxMtu } = where.plan;
    const mtu = mtuFits(s, network, maxMtu);
    if (mtu) return failure(mtu);
    if (existing && existing.hostNicId === nicId) continue; // unchanged: dropped, as oVirt does
    const sync = existing ? inSyncOrSynchronized(existing, network, syncIds) : null;
    if (sync) return failure(sync);
    upserts.push({ attachmentId: existing?.id ?? null, networkId: network.id, nicId });
  }
  return valid(upserts);
}

/** Removing an isolated network its cluster requires, or one running VMs use, is refused. */
export function removalsAllowed(s: SetupScope, removals: ReadonlySet<string>): ValidationResult {
  for (const id of removals) {
    const a = s.current.find((x) => x.id === id);
    const n = a ? networksRepo.findById(s.c, a.networkId) : null;
    if (!n) continue;
    if (n.isolated && s.inCluster.has(n.id)) {
      return failWith('ACTION_TYPE_FAILED_ISOLATED_NETWORK_REQUIRED_BY_CLUSTER', {
        networkName: n.name,
        clusterName: s.cluster?.name ?? s.host.clusterId,
      }).failure;
    }
    const f = notUsedByRunningVms(s.c, n, s.host.id);
    if (f) return f;
  }
  return null;
}

/**
 * Removing a label takes away what it provisioned (not isolated networks: the cluster keeps
 * those). Adds those attachments to `removals`.
 */
export function labelRemovals(
  s: SetupScope,
  input: SetupInput,
  upserts: readonly Upsert[],
  removals: Set<string>,
): ValidationResult {
  const modified = new Set(upserts.map((u) => u.networkId));
  for (const l of input.removedLabels) {
    const hl = hostLabelsRepo.find(s.c, s.host.id, l.id);
    for (const n of networksRepo.listByLabel(s.c, l.id)) {
      if (n.isolated || !s.inCluster.has(n.id) || modified.has(n.id)) continue;
      const a = s.current.find((x) => x.networkId === n.id && x.hostNicId === (hl?.nicId ?? null));
      if (!a) continue;
      const f = notUsedByRunningVms(s.c, n, s.host.id);
      if (f) return f;
      removals.add(a.id);
    }
  }
  return null;
}

/** One untagged network per NIC (the host layer has no VLAN devices). */
export function oneNetworkPerNic(
  s: SetupScope,
  removals: ReadonlySet<string>,
  upserts: readonly Upsert[],
): ValidationResult {
  const perNic = new Map<string, number>();
  const finalNic = new Map(
    s.current.filter((a) => !removals.has(a.id)).map((a) => [a.networkId, a.hostNicId]),
  );
  for (const u of upserts) finalNic.set(u.networkId, u.nicId);
  for (const nicId of finalNic.values())
    if (nicId !== null) perNic.set(nicId, (perNic.get(nicId) ?? 0) + 1);
  const crowded = [...perNic.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  return failWith('NETWORK_INTERFACES_NOT_EXCLUSIVELY_USED_BY_UNTAGGED_NETWORK', {
    nicNames: crowded.join(', '),
  }).when(crowded.length > 0);
}
