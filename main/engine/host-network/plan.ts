// SPDX-License-Identifier: Apache-2.0
/**
 * Transaction 1 of a host-network change: apply the command's database change, then diff the
 * host's desired state before and after it into the request for the host and its inverse.
 */
import type { Tx } from '../../../db/client';
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { intentsRepo } from '../../../db/repos/intents.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import type { NetworkSetup, SetupNetworksRequest } from '../../../libvirt/host-agent';
import type { Prepared } from '../intents';
import { desiredSegmentsOnHost, persistAllocations } from '../segment/segment-plan';
import { segmentChanges } from '../segment/segment-services';
import { CommandFailure } from '../validation';
import { validateVlanOnHost } from '../validators/vlan.validator';
import type { HostNetworkChange, HostPlan } from './change';
import { hostDesiredState, sameSetup } from './desired-state';

/** A planned change plus the attachments the host had before (for entity events). */
export interface ChangePlan extends HostPlan {
  readonly beforeIds: ReadonlySet<string>;
}

/**
 * Mark the host as busy with networks (oVirt `network_operation_in_progress`). It is cleared
 * only by the last open host-network intent of the host, so changes applied together in one
 * turn (coalesce.ts) keep it set until the last of them is recorded.
 */
export function flagNetworkOperation(tx: Tx, hostId: string, on: boolean): void {
  if (!on) {
    const open = intentsRepo
      .list(tx)
      .filter((i) => i.kind === 'host-networks' && i.hostId === hostId).length;
    // The caller's own intent is still there (commit and compensation drop it afterwards).
    if (open > 1) return;
  }
  hostsRepo.update(tx, hostId, { networkOperationInProgress: on });
}

/**
 * Run `change.mutate` and plan what the host must do. `claim` sees the on-host names the change
 * touches, and whether its host step is bridges only,
 * touches before anything is returned (coalesce.ts refuses overlapping changes in one turn).
 * @throws CommandFailure when a rule every host change must keep is broken (VLAN)
 */
export function planChange(
  tx: Tx,
  change: HostNetworkChange,
  claim: (names: readonly string[], stackable: boolean) => void,
): Prepared<ChangePlan> {
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
  for (const name of change.removeOnHost ?? [])
    if (!after.has(name)) networks[name] = { remove: true };
  // Every path that puts a network on the host ends here (labels included): never a
  // tagged network bridged untagged (issue 13 item 4).
  for (const name of Object.keys(networks)) {
    const f = validateVlanOnHost(after.get(name)?.network ?? { name, vlanId: null });
    if (f) throw new CommandFailure(f.code, f.vars);
  }
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
  const touchHost = (Object.keys(networks).length > 0 || segments.length > 0) && change.pushToHost;
  if (touchHost) {
    // Bridges only (no segment services, no commit): may follow an open change of the same
    // names in a later turn (coalesce.ts).
    claim(touched, segments.length === 0 && !(change.commitOnSuccess ?? false));
    flagNetworkOperation(tx, change.hostId, true);
  }
  return {
    plan: {
      request: { networks },
      inverse,
      beforeIds: ids,
      segments,
      commitOnSuccess: change.commitOnSuccess ?? false,
    },
    hostNetworks: touched,
    payload: { hostNetworks: touched },
    touchHost,
  };
}
