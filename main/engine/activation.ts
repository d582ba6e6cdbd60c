// SPDX-License-Identifier: Apache-2.0
/**
 * Host activation (oVirt `ActivateVds` + `HostNetworkTopologyPersister`, with the seeds'
 * re-validation): refresh the host's NICs from the kernel, provision what the cluster
 * requires (isolated networks, label matches), re-create what is missing and repair MTU
 * drift of NIC-less networks, then store per attachment `in_sync` and the reported
 * configuration. NIC attachments are only reported: touching a real uplink unasked could cut
 * the host off, so they are synchronized explicitly (setupnetworks synchronized_network_attachments).
 */
import { randomUUID } from 'node:crypto';

import { hostNicsRepo, hostsRepo } from '../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../db/repos/network-attachments.repo';
import { nowIso } from '../../db/repos/rows';
import { vmsRepo } from '../../db/repos/vms.repo';
import { type HostCapabilities, networkDrift } from '../../libvirt/host-agent';
import { MAX_MTU } from '../contract/networks';
import type { EngineServices } from './context';
import {
  applyHostNetworks,
  hostDesiredState,
  hostFailure,
  insertMissingAttachments,
  refreshReports,
} from './host-networks';

/** Store host facts and NICs from the capabilities report (NICs matched by name). */
export function storeCapabilities(
  ctx: EngineServices,
  hostId: string,
  caps: HostCapabilities,
): void {
  ctx.database.transaction((tx) => {
    hostsRepo.update(tx, hostId, {
      memoryBytes: caps.memoryBytes,
      cpus: caps.cpus,
      cpuModel: caps.cpuModel,
      osName: caps.osName,
      libvirtVersion: caps.libvirtVersion,
      accelerator: caps.accelerator,
      // A bridge without an uplink carries up to the kernel's limit.
      maxMtu: MAX_MTU,
    });
    const existing = hostNicsRepo.listByHost(tx, hostId);
    for (const nic of caps.nics) {
      const row = {
        mac: nic.mac,
        mtu: nic.mtu,
        maxMtu: nic.maxMtu,
        speedMbps: nic.speedMbps,
        linkUp: nic.linkUp,
        ipv4: JSON.stringify(nic.ipv4),
      };
      const e = existing.find((x) => x.name === nic.name);
      if (e) hostNicsRepo.update(tx, e.id, row);
      else hostNicsRepo.insert(tx, { id: randomUUID(), hostId, name: nic.name, ...row });
    }
    // NICs that disappeared go, unless a network still sits on them (kept for the admin to see).
    const used = new Set(networkAttachmentsRepo.listByHost(tx, hostId).map((a) => a.hostNicId));
    for (const e of existing) {
      if (!caps.nics.some((n) => n.name === e.name) && !used.has(e.id))
        hostNicsRepo.delete(tx, e.id);
    }
  });
}

/**
 * Re-validate the host's networks against the host layer and repair them.
 * @throws CommandFailure with the host's error code (the database is then unchanged)
 */
export async function revalidateHostNetworks(
  ctx: EngineServices,
  hostId: string,
  command: string,
): Promise<void> {
  const desired = hostDesiredState(ctx.database.db, hostId);
  const reports =
    desired.size === 0
      ? {}
      : await ctx.host.reportNetworks([...desired.keys()]).catch((e: unknown) => {
          throw hostFailure(e);
        });
  const force: string[] = [];
  for (const [name, d] of desired) {
    if (d.nicName !== null) continue;
    const r = reports[name];
    // Missing bridge, MTU, STP, a NIC on a NIC-less network, and isolation drift (addresses,
    // link down, foreign ports, sysctls): all repaired; drift is the host layer's one rule.
    if (!r || networkDrift(d.setup, r).length > 0) force.push(name);
  }
  await applyHostNetworks(ctx, {
    command,
    hostId,
    mutate: (tx) => {
      insertMissingAttachments(tx, hostId);
    },
    force,
    pushToHost: true,
  });
  await refreshReports(ctx, hostId);
}

/** Align VM statuses with the domains the host runs (after a restart or a crash). */
export async function reconcileVms(ctx: EngineServices, hostId: string): Promise<string[]> {
  const domains = await ctx.host.domainList().catch((e: unknown) => {
    throw hostFailure(e);
  });
  const running = new Map(domains.map((d) => [d.uuid, d.state]));
  const changed: string[] = [];
  ctx.database.transaction((tx) => {
    for (const v of vmsRepo.list(tx)) {
      // Issue 17: a VM placed on another host is that host's to report, never "down" here.
      if (v.hostId !== null && v.hostId !== hostId) continue;
      const state = running.get(v.id);
      if (state === undefined || state === 'down') {
        if (v.status !== 'down') {
          vmsRepo.update(tx, v.id, {
            status: 'down',
            hostId: null,
            stopTime: nowIso(),
            stopReason: 'not running on the host',
          });
          changed.push(v.id);
        }
      } else if (v.status !== state) {
        vmsRepo.update(tx, v.id, { status: state, hostId });
        changed.push(v.id);
      }
    }
  });
  for (const id of changed) ctx.events.entity('vm', id, 'updated');
  return changed;
}
