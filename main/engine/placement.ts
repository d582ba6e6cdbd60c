// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: where a VM runs — oVirt's scheduler reduced to its filters and one weight.
 *
 * Filters, per host of the VM's cluster (each failing host gets a reason, listed in the fault
 * as oVirt lists them): the host is Up; `pinned` → it is one of the VM's hosts (PinToHost);
 * a remote host can be reached (the engine has its agent) and the VM needs nothing only this
 * engine's machine has — storage domains are directories here, so a VM with disks or a CD-ROM
 * runs on the engine's host only (a clear fault, never a half-started guest; per-host storage
 * is a later step); every network of the VM's vNICs is on the host (Network filter).
 * Choice: the run-once destination when it passes; else the VM's hosts that pass (oVirt's
 * PreferredHosts weight); else every host that passes — the one with the most free memory
 * (physical memory its agent reported at activation minus the memory of the VMs the engine
 * placed on it: oVirt's `max_scheduling_memory`), the engine's own host first on a tie.
 */
import type { Conn } from '../../db/client';
import { hostRemoteRepo } from '../../db/repos/host-remote.repo';
import { hostsRepo } from '../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../db/repos/network-attachments.repo';
import { ACTIVE_VM_STATUSES, vmsRepo } from '../../db/repos/vms.repo';
import type { Host } from '../contract/hosts';
import type { PlacementPolicy, PlacementPolicyInput, VmAffinity } from '../contract/placement';
import type { Vm } from '../contract/vms';
import type { EngineServices } from './context';
import { remoteHostsOf } from './hosts/remote-hosts';
import { type Failure, failWith } from './validation';

/** Columns of `vm` that hold a placement policy. */
export interface PlacementColumns {
  readonly placementHosts: string | null;
  readonly placementAffinity: VmAffinity | null;
}

export const placementColumns = (p: PlacementPolicy): PlacementColumns => ({
  placementHosts: p.hostIds.length > 0 ? p.hostIds.join(',') : null,
  placementAffinity: p.affinity === 'migratable' ? null : p.affinity,
});

/**
 * A placement policy input → the policy to store: hosts by id or name, each an existing host
 * of the VM's cluster (oVirt VmHandler.validateDedicatedVdsExistOnSameCluster). Omitted
 * fields keep `current`'s.
 */
export function resolvePlacement(
  c: Conn,
  clusterId: string,
  input: PlacementPolicyInput,
  current: PlacementPolicy | undefined,
): { ok: true; policy: PlacementPolicy } | { ok: false; failure: Failure } {
  const hostIds: string[] = [];
  if (input.hosts !== undefined) {
    const all = hostsRepo.list(c);
    for (const ref of input.hosts) {
      const host =
        ref.id !== undefined
          ? all.find((h) => h.id === ref.id)
          : all.find((h) => h.name === ref.name);
      const hostName = ref.name ?? ref.id ?? '';
      if (!host)
        return {
          ok: false,
          failure: failWith('ACTION_TYPE_FAILED_DEDICATED_VDS_DOES_NOT_EXIST', { hostName })
            .failure,
        };
      if (host.clusterId !== clusterId)
        return {
          ok: false,
          failure: failWith('ACTION_TYPE_FAILED_DEDICATED_VDS_NOT_IN_SAME_CLUSTER', {
            hostName: host.name,
          }).failure,
        };
      if (!hostIds.includes(host.id)) hostIds.push(host.id);
    }
  }
  return {
    ok: true,
    policy: {
      affinity: input.affinity ?? current?.affinity ?? 'migratable',
      hostIds: input.hosts !== undefined ? hostIds : [...(current?.hostIds ?? [])],
    },
  };
}

/** What the VM needs from a host, beyond being Up. */
export interface PlacementNeeds {
  /** Network ids of the VM's plugged, wired vNICs. */
  readonly networkIds: readonly string[];
  /** Network names by id (for the fault). */
  readonly networkNames: ReadonlyMap<string, string>;
  /** The VM reads disks or an ISO from this engine's storage domains. */
  readonly usesEngineStorage: boolean;
  /** Run once: this start's policy (its first host is the destination). */
  readonly runOnce?: PlacementPolicy;
}

export type Placement = { ok: true; host: Host; remote: boolean } | { ok: false; failure: Failure };

/** Memory the engine has not given to VMs on `host` (bytes; may be negative when overcommitted). */
export function freeMemoryOf(c: Conn, host: Host, exceptVmId: string): number {
  let used = 0;
  for (const v of vmsRepo.list(c)) {
    if (v.id === exceptVmId || v.hostId !== host.id) continue;
    if (ACTIVE_VM_STATUSES.includes(v.status)) used += v.memoryBytes;
  }
  return host.memoryBytes - used;
}

/** Pick the host `vm` starts on, or the fault saying why none can run it. */
export function scheduleVm(ctx: EngineServices, vm: Vm, needs: PlacementNeeds): Placement {
  const c = ctx.database.db;
  const policy = vm.placementPolicy ?? { affinity: 'migratable', hostIds: [] };
  const remote = remoteHostsOf(ctx);
  const hosts = hostsRepo.list(c).filter((h) => h.clusterId === vm.clusterId);
  const reasons: string[] = [];
  const missing = new Set<string>();
  let onlyDownOrNetworks = true;
  const passing: { host: Host; remote: boolean; free: number }[] = [];
  for (const h of hosts) {
    const isRemote = hostRemoteRepo.find(c, h.id) !== null;
    const refuse = (why: string, downOrNetwork = false): void => {
      reasons.push(`The host ${h.name} ${why}.`);
      if (!downOrNetwork) onlyDownOrNetworks = false;
    };
    if (h.status !== 'up') {
      refuse(`is not Up (${h.status})`, true);
      continue;
    }
    if (
      policy.affinity === 'pinned' &&
      policy.hostIds.length > 0 &&
      !policy.hostIds.includes(h.id)
    ) {
      refuse('is not a host the VM is pinned to');
      continue;
    }
    if (isRemote && !remote?.agentFor(h.id)) {
      refuse('cannot be reached by this engine (no remote host client)');
      continue;
    }
    if (isRemote && needs.usesEngineStorage) {
      refuse(
        "does not reach the engine's storage domains: VMs with disks or a CD-ROM run on the engine's host",
      );
      continue;
    }
    const lacking = needs.networkIds.filter((n) => !networkAttachmentsRepo.find(c, h.id, n));
    if (lacking.length > 0) {
      for (const n of lacking) missing.add(needs.networkNames.get(n) ?? n);
      refuse(
        `lacks the network(s) ${lacking.map((n) => needs.networkNames.get(n) ?? n).join(', ')}`,
        true,
      );
      continue;
    }
    passing.push({ host: h, remote: isRemote, free: freeMemoryOf(c, h, vm.id) });
  }
  if (passing.length === 0) {
    // One host, down or lacking networks: the fault the single-host engine always gave.
    if (onlyDownOrNetworks)
      return {
        ok: false,
        failure: failWith('SCHEDULING_ALL_HOSTS_FILTERED_OUT', {
          networkNames: [...missing].join(', ') || 'none',
        }).failure,
      };
    return {
      ok: false,
      failure: failWith('SCHEDULING_NO_HOST_SATISFIES', { detail: reasons.join(' ') }).failure,
    };
  }
  const destination = needs.runOnce?.hostIds[0];
  const chosen =
    destination === undefined ? undefined : passing.find((p) => p.host.id === destination);
  if (destination !== undefined && !chosen) {
    const name = hosts.find((h) => h.id === destination)?.name ?? destination;
    return {
      ok: false,
      failure: failWith('SCHEDULING_NO_HOST_SATISFIES', {
        detail: `The destination host ${name} cannot run the VM. ${reasons.join(' ')}`.trim(),
      }).failure,
    };
  }
  const preferred = passing.filter((p) => policy.hostIds.includes(p.host.id));
  const pool = chosen ? [chosen] : preferred.length > 0 ? preferred : passing;
  const best = [...pool].sort(
    (a, b) =>
      b.free - a.free ||
      Number(a.host.id !== ctx.localHostId) - Number(b.host.id !== ctx.localHostId) ||
      a.host.name.localeCompare(b.host.name),
  )[0];
  if (!best) throw new Error('unreachable: a non-empty pool');
  return { ok: true, host: best.host, remote: best.remote };
}
