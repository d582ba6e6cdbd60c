// SPDX-License-Identifier: Apache-2.0
/** The VLAN rule at the host boundary (kept apart: host-networks.ts uses it, no import cycle). */
import { failWith, type ValidationResult } from '../validation';

/**
 * A VLAN tag can be stored on a network (oVirt keeps it for other hosts), but this host layer
 * makes no VLAN devices: putting such a network on a host would bridge it untagged and drop the
 * tag silently (issue 13 item 4). Refused wherever a network reaches a host: an attachment
 * (with or without NIC, also through labels) and a VLAN change of an attached network.
 */
export function validateVlanOnHost(network: {
  readonly name: string;
  readonly vlanId: number | null;
}): ValidationResult {
  return failWith('ACTION_TYPE_FAILED_NETWORK_VLAN_NOT_SUPPORTED_ON_HOST', {
    networkName: network.name,
    vlanId: network.vlanId ?? '',
  }).when(network.vlanId !== null);
}
