// SPDX-License-Identifier: Apache-2.0
/**
 * The tiny guest has no cloud-init: the same `initialization` input reaches it as addresses
 * on its kernel command line (libvirt/tiny-guest.ts). Pure; exported through host-agent.ts so
 * the engine uses one input for both paths.
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { canonicalizeNics } from './nic-config';
import type { GuestInitialization, GuestNicAddress, GuestNicDhcp } from './types';

/**
 * The tiny guest's addresses for an initialization: `static` → address/prefix, `dhcp` → DHCP
 * (IPv4 wins when a NIC has both; the tiny guest takes one address per NIC).
 * @throws HostError HOST_NETWORK_INVALID with every problem
 */
export function tinyAddressesFor(
  initialization: GuestInitialization,
  nics: readonly { readonly name: string; readonly mac: string }[],
): (GuestNicAddress | GuestNicDhcp)[] {
  const result = canonicalizeNics(initialization.nicConfigurations ?? [], nics);
  if ('problems' in result) {
    throw new HostError(
      HostErrorCode.HOST_NETWORK_INVALID,
      result.problems.join('; '),
      result.problems.join('\n'),
    );
  }
  const out: (GuestNicAddress | GuestNicDhcp)[] = [];
  for (const nic of result.nics) {
    const pick = nic.ipv4.mode !== 'off' ? nic.ipv4 : nic.ipv6;
    if (pick.mode === 'static')
      out.push({ nic: nic.name, address: pick.address, prefix: pick.prefix });
    else if (pick.mode === 'dhcp') out.push({ nic: nic.name, bootProtocol: 'dhcp' });
  }
  return out;
}
