// SPDX-License-Identifier: Apache-2.0
/**
 * Provisioning policy: which attachments a host gets without anyone asking (seeds "NIC-less
 * Network" and "Isolated Networks").
 */
import { randomUUID } from 'node:crypto';

import type { Conn, Tx } from '../../../db/client';
import { hostLabelsRepo, hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networkClustersRepo, networksRepo } from '../../../db/repos/networks.repo';

/**
 * Every isolated network of the host's cluster and every VM network of its cluster whose label
 * equals a host-level label — both NIC-less — and, as in oVirt, every non-isolated network
 * whose label sits on one of the host's NICs, over that NIC.
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
    // Issue 17: an OVN network (ovirt-provider-ovn) is a logical switch, never a host bridge.
    if (n.externalProviderId) continue;
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
