// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: an OVN network's life on the central (our ovirt-provider-ovn). AddNetwork with
 * `external_provider` = ovirt-provider-ovn follows the intent protocol (intents.ts):
 *
 *   tx 1  the network (+ vNIC profile) rows and a `ovn-network` intent
 *   ────  the logical switch, DHCP options and DNS converged in the NB DB (central host layer)
 *   tx 2  drop the intent (the rows stand)
 *
 * A host failure puts the rows back; a crash between the steps is repaired at the next start
 * by {@link recoverOvnNetwork}: rows restored (the network was never added), its switch removed.
 *
 * MTU: the usable MTU is the underlay MTU − 58 (Geneve over IPv4), the underlay being the
 * smallest MTU any chassis reports for its tunnel device (1500 when no host is a chassis yet).
 */
import type { Tx } from '../../../db/client';
import { hostsRepo } from '../../../db/repos/hosts.repo';
import type { IntentRecord } from '../../../db/repos/intents.repo';
import { networksRepo, vnicProfilesRepo } from '../../../db/repos/networks.repo';
import { vmNicsRepo } from '../../../db/repos/vms.repo';
import type { HostAgent } from '../../../libvirt/host-agent';
import type { Ref } from '../../contract/common';
import { HostError, HostErrorCode } from '../../contract/errors';
import type { Network } from '../../contract/networks';
import { GENEVE_OVERHEAD, OVN_PROVIDER_ID, OVN_PROVIDER_NAME } from '../../contract/ovn';
import type { EngineContext, EngineServices } from '../context';
import { remoteHostsOf } from '../hosts/remote-hosts';
import { dropIntent, type Recovery, restoreIntent } from '../intent-steps';
import { runIntent, type SnapshotKey } from '../intents';
import type { Failure as FailureSpec } from '../validation';
import { ovnSwitchSpecOf } from './ovn-switch-spec';

/** Underlay MTU when no chassis reports one. */
const DEFAULT_UNDERLAY_MTU = 1500;

/** The provider a network's `external_provider` names, or a fault. */
export function resolveOvnProvider(ref: Ref): { ok: true } | { ok: false; failure: FailureSpec } {
  const byId = ref.id === undefined || ref.id === OVN_PROVIDER_ID;
  const byName = ref.name === undefined || ref.name === OVN_PROVIDER_NAME;
  if ((ref.id !== undefined || ref.name !== undefined) && byId && byName) return { ok: true };
  return { ok: false, failure: { code: 'ACTION_TYPE_FAILED_PROVIDER_DOESNT_EXIST', vars: {} } };
}

/** The tunnel underlay: smallest MTU of the chassis hosts report (up hosts only). */
export async function tunnelUnderlayMtu(ctx: EngineServices): Promise<number> {
  const remote = remoteHostsOf(ctx);
  const mtus: number[] = [];
  for (const h of hostsRepo.list(ctx.database.db)) {
    if (h.status !== 'up') continue;
    const agent = h.id === ctx.localHostId ? ctx.host : (remote?.agentFor(h.id) ?? null);
    const report = await agent?.reportOvnChassis?.().catch(() => null);
    if (report?.encapIp && report.underlayMtu !== null) mtus.push(report.underlayMtu);
  }
  return mtus.length > 0 ? Math.min(...mtus) : DEFAULT_UNDERLAY_MTU;
}

/** The MTU an OVN network gets (0 = the largest the tunnel carries), or the fault. */
export function ovnMtu(
  requested: number,
  underlayMtu: number,
): { ok: true; mtu: number } | { ok: false; failure: FailureSpec } {
  const maxMtu = underlayMtu - GENEVE_OVERHEAD;
  if (requested === 0) return { ok: true, mtu: maxMtu };
  if (requested > maxMtu) {
    return {
      ok: false,
      failure: {
        code: 'ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_TUNNEL',
        vars: { mtu: requested, maxMtu, underlayMtu, overhead: GENEVE_OVERHEAD },
      },
    };
  }
  return { ok: true, mtu: requested };
}

/**
 * The central's agent per engine (its database): the local host's, remembered at start-up —
 * a command running on a remote host's context (`ctx.host` = that host) still reaches the NB
 * DB on the engine's machine.
 */
const centrals = new WeakMap<EngineServices['database'], HostAgent>();

/** Remember `services.host` (the local host's agent) as the OVN central of this engine. */
export function rememberCentral(services: EngineServices): void {
  centrals.set(services.database, services.host);
}

type Central = HostAgent & Required<Pick<HostAgent, 'setupOvnSwitch' | 'removeOvnSwitch'>>;

/** The central's host layer (this machine's agent): the NB verbs, or a clear error. */
function central(ctx: EngineServices): Central {
  const host = centrals.get(ctx.database) ?? ctx.host;
  if (!host.setupOvnSwitch || !host.removeOvnSwitch) {
    throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, 'This host layer has no OVN central.');
  }
  return host as Central;
}

/** AddNetwork's OVN path: `insert` writes the rows (tx 1); the switch follows (host step). */
export function addOvnNetwork(
  ctx: EngineContext,
  networkId: string,
  insert: (tx: Tx) => void,
): Promise<Network> {
  const snapshots: SnapshotKey[] = [
    ['network', 'id', networkId],
    ['vnic_profile', 'network_id', networkId],
    ['network_label', 'network_id', networkId],
  ];
  return runIntent(ctx, {
    command: 'AddNetwork',
    kind: 'ovn-network',
    hostId: ctx.localHostId,
    snapshots,
    prepare: (tx) => {
      insert(tx);
      return { plan: networkId, payload: { networkId } };
    },
    host: async (id) => {
      const network = networksRepo.findById(ctx.database.db, id);
      if (!network) throw new Error('network vanished after insert');
      const nb = central(ctx);
      try {
        return await nb.setupOvnSwitch(ovnSwitchSpecOf(ctx.database.db, network));
      } catch (error) {
        // Half a switch must not outlive the refusal (the rows are put back by runIntent).
        await nb.removeOvnSwitch(id).catch(() => undefined);
        throw error;
      }
    },
    commit: (tx, _result, id) => {
      const n = networksRepo.findById(tx, id);
      if (!n) throw new Error('network vanished after insert');
      return n;
    },
    undoHost: async (id) => {
      await central(ctx).removeOvnSwitch(id);
    },
  });
}

/** Converge the switch of an existing OVN network (vNICs added/removed, recovery). */
export async function syncOvnNetwork(ctx: EngineServices, network: Network): Promise<void> {
  await central(ctx).setupOvnSwitch(ovnSwitchSpecOf(ctx.database.db, network));
}

/** Converge the switches of every OVN network `vmId` has a NIC on (RunVm's host step). */
export async function syncOvnNetworksOfVm(ctx: EngineServices, vmId: string): Promise<void> {
  const c = ctx.database.db;
  const seen = new Set<string>();
  for (const nic of vmNicsRepo.listByVm(c, vmId)) {
    const profile = nic.vnicProfileId ? vnicProfilesRepo.findById(c, nic.vnicProfileId) : null;
    const network = profile ? networksRepo.findById(c, profile.networkId) : null;
    if (!network?.externalProviderId || seen.has(network.id)) continue;
    seen.add(network.id);
    await syncOvnNetwork(ctx, network);
  }
}

/** Remove an OVN network's switch (RemoveNetwork's host step; idempotent). */
export async function removeOvnNetwork(ctx: EngineServices, networkId: string): Promise<void> {
  await central(ctx).removeOvnSwitch(networkId);
}

/**
 * Start-up: an `ovn-network` intent means AddNetwork died between its two transactions. The
 * rows go back (the network was never added) and its switch, if it got that far, is removed.
 */
export const recoverOvnNetwork: Recovery = async (services, intent: IntentRecord) => {
  restoreIntent(services, intent);
  const raw = intent.payload.networkId;
  const id = typeof raw === 'string' ? raw : '';
  const network = id ? networksRepo.findById(services.database.db, id) : null;
  if (id && network === null) await removeOvnNetwork(services, id);
  else if (network) await syncOvnNetwork(services, network);
  dropIntent(services, intent);
};
