// SPDX-License-Identifier: Apache-2.0
/**
 * First step of setupNetworks (VDSM's `canonicalize`): make every default explicit so the
 * later steps never guess. MTU 0/absent → 1500, bridged, STP off, no NIC; IPv6 is always off
 * on the bridges this layer manages (a new bridge would otherwise get a link-local address).
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { MAX_MTU, MIN_MTU, mtuInRange } from '../../main/contract/rules/network';
import type { NetworkSetup, SetupNetworksRequest } from '../host-agent';
import { explicitSetup } from './drift';

/** A network with every attribute explicit. */
export interface CanonicalNetwork {
  readonly name: string;
  readonly nic: string | null;
  readonly mtu: number;
  readonly bridged: true;
  readonly stp: boolean;
}

/** A request after canonicalization: networks to set up and networks to remove. */
export interface CanonicalRequest {
  readonly setups: readonly CanonicalNetwork[];
  readonly removals: readonly string[];
}

function isRemoval(
  value: NetworkSetup | { readonly remove: true },
): value is { readonly remove: true } {
  return 'remove' in value && value.remove;
}

/** Make one network's defaults explicit. */
export function canonicalizeNetwork(name: string, setup: NetworkSetup): CanonicalNetwork {
  const { nic, mtu, stp } = explicitSetup(setup);
  return { name, nic, mtu, bridged: true, stp };
}

/**
 * Canonicalize a request, rejecting values no host could accept (shape only; host facts are
 * checked by validate.ts). Networks come out sorted by name so plans are deterministic.
 * @throws HostError HOST_NETWORK_INVALID
 */
export function canonicalize(request: SetupNetworksRequest): CanonicalRequest {
  const setups: CanonicalNetwork[] = [];
  const removals: string[] = [];
  const problems: string[] = [];
  for (const name of Object.keys(request.networks).sort()) {
    const value = request.networks[name];
    if (value === undefined) continue;
    if (isRemoval(value)) {
      removals.push(name);
      continue;
    }
    const net = canonicalizeNetwork(name, value);
    if (!mtuInRange(net.mtu)) {
      problems.push(`${name}: MTU ${net.mtu} is outside ${MIN_MTU}..${MAX_MTU}`);
    }
    if ((value as { bridged?: unknown }).bridged === false) {
      problems.push(`${name}: only bridged networks are supported`);
    }
    setups.push(net);
  }
  if (problems.length > 0) {
    throw new HostError(
      HostErrorCode.HOST_NETWORK_INVALID,
      problems.join('; '),
      problems.join('\n'),
    );
  }
  return { setups, removals };
}
