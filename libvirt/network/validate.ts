// SPDX-License-Identifier: Apache-2.0
/**
 * Second step of setupNetworks: check a canonical request against the host's facts before
 * anything is touched, and say every problem at once. Validation returns data (a list of
 * problems); the caller turns a non-empty list into HOST_NETWORK_INVALID.
 */
import { BRIDGE_NAME_PATTERN as BRIDGE_NAME } from '../../main/contract/rules/names';
import type { CanonicalRequest } from './canonicalize';
import { type HostNetFacts, isNic, portsOf } from './host-facts';

/** Is a kernel device of this kind a VM tap (libvirt creates `tun` devices in tap mode)? */
export function isTapKind(kind: string | null): boolean {
  return kind === 'tun';
}

/**
 * Every reason the request cannot be applied on this host; empty when it can.
 * `managed` are the networks the agent already manages (running config).
 */
export function validateRequest(
  request: CanonicalRequest,
  facts: HostNetFacts,
  managed: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const nicOwners = new Map<string, string>();
  const named = new Set([...request.setups.map((s) => s.name), ...request.removals]);

  for (const net of request.setups) {
    if (!BRIDGE_NAME.test(net.name)) {
      problems.push(
        `${net.name}: bridge name must be 1–15 characters of [0-9a-zA-Z_-], not starting with '-'`,
      );
      continue;
    }
    const existing = facts.links.get(net.name);
    if (existing !== undefined && existing.kind !== 'bridge') {
      problems.push(
        `${net.name}: the name is taken by a device that is not a bridge (${existing.kind ?? 'physical'})`,
      );
    }
    // Adopting an existing bridge is fine (VDSM does), but not one that carries the host's
    // addresses (virbr0, docker0, a bridged uplink): making it isolated would strip them.
    const hostAddresses = [
      ...(existing?.ipv4 ?? []),
      ...(existing?.ipv6 ?? []).filter((a) => !a.startsWith('fe80:')),
    ];
    if (existing?.kind === 'bridge' && !managed.has(net.name) && hostAddresses.length > 0) {
      problems.push(
        `${net.name}: the bridge exists, is not managed by this host agent and carries addresses (${hostAddresses.join(', ')})`,
      );
    }
    if (existing !== undefined && existing.master !== null) {
      problems.push(`${net.name}: the bridge is itself a port of ${existing.master}`);
    }
    if (net.nic === null) continue;
    const nic = facts.links.get(net.nic);
    const owner = nicOwners.get(net.nic);
    if (owner !== undefined)
      problems.push(`${net.name}: NIC ${net.nic} is also requested by ${owner}`);
    nicOwners.set(net.nic, net.name);
    if (nic === undefined) {
      problems.push(`${net.name}: NIC ${net.nic} does not exist`);
      continue;
    }
    if (!isNic(nic)) {
      problems.push(`${net.name}: ${net.nic} is not a NIC (${nic.kind ?? nic.linkType})`);
      continue;
    }
    if (
      nic.master !== null &&
      nic.master !== net.name &&
      !(named.has(nic.master) && managed.has(nic.master))
    ) {
      problems.push(`${net.name}: NIC ${net.nic} is already enslaved to ${nic.master}`);
    }
    if (net.mtu > nic.maxMtu) {
      problems.push(
        `${net.name}: MTU ${net.mtu} is above the maximum MTU ${nic.maxMtu} of NIC ${net.nic}`,
      );
    }
    // Enslaving the NIC that carries the host's own addresses would cut the host off: moving
    // its addresses onto the bridge is not supported, so refuse instead of breaking the host.
    if (facts.defaultRouteDevices.has(net.nic) || nic.ipv4.length > 0) {
      problems.push(`${net.name}: NIC ${net.nic} carries the host's addresses or default route`);
    }
  }
  for (const name of request.removals) {
    if (named.has(name) && request.setups.some((s) => s.name === name)) {
      problems.push(`${name}: cannot both set up and remove the network`);
    }
    const link = facts.links.get(name);
    if (link === undefined) continue;
    if (link.kind !== 'bridge') {
      problems.push(`${name}: the name belongs to a device that is not a bridge`);
      continue;
    }
    // Never delete a bridge this agent did not create or adopt (docker0, virbr0, …).
    if (!managed.has(name)) {
      problems.push(`${name}: the bridge is not managed by this host agent`);
      continue;
    }
    const taps = portsOf(facts, name).filter((p) => isTapKind(facts.links.get(p)?.kind ?? null));
    if (taps.length > 0) problems.push(`${name}: VM taps are still attached (${taps.join(', ')})`);
  }
  return problems;
}
