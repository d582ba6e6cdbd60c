// SPDX-License-Identifier: Apache-2.0
/**
 * "Why can't A reach B?" (issue 15), what the host shows about one shared network: the bridge
 * against what the engine wants of it (the same `networkDrift` rule activation repairs with:
 * missing, MTU, NIC, STP, down → `bridge_out_of_sync`; an address on the bridge, a foreign
 * port, the host answering ARP or IPv6 on → `isolation_rules`), and for a vNIC that asks DHCP
 * whether the segment's DHCP service (dnsmasq's lease file) ever leased to its MAC
 * (`no_dhcp_lease`). Reads only; repair stays an explicit act (Sync, activation), as in oVirt.
 */
import { type NetworkDrift, networkDrift } from '../../../../libvirt/host-agent';
import type { ConnectivityCause } from '../../../contract/labs';
import type { Network } from '../../../contract/networks';
import type { VmNic } from '../../../contract/vms';
import type { EngineContext } from '../../context';
import { hostDesiredState } from '../../host-networks';

/** Drift fields that break the segment's isolation rather than its wiring. */
const ISOLATION_FIELDS = new Set<NetworkDrift['field']>(['ports', 'ipv4', 'ipv6']);

const words = (d: NetworkDrift): string => `${d.field} ${d.actual} (expected ${d.expected})`;

/** Causes the local host shows for `network`'s bridge; none when it is as the engine wants. */
export async function bridgeCauses(
  ctx: EngineContext,
  network: Network,
): Promise<ConnectivityCause[]> {
  const desired = hostDesiredState(ctx.database.db, ctx.localHostId).get(network.vdsmName);
  if (desired === undefined)
    return [
      {
        code: 'bridge_out_of_sync',
        network: network.name,
        detail: `${network.name} is not attached to the host: no bridge is wanted for it`,
      },
    ];
  let drift: NetworkDrift[];
  try {
    const reported = (await ctx.host.reportNetworks([network.vdsmName]))[network.vdsmName];
    drift =
      reported === undefined
        ? [{ field: 'missing', expected: 'bridge present', actual: 'missing' }]
        : networkDrift(desired.setup, reported);
  } catch (error) {
    return [
      {
        code: 'bridge_out_of_sync',
        network: network.name,
        detail: `the host could not report bridge ${network.vdsmName}: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
  const wiring = drift.filter((d) => !ISOLATION_FIELDS.has(d.field));
  const isolation = drift.filter((d) => ISOLATION_FIELDS.has(d.field));
  const causes: ConnectivityCause[] = [];
  if (wiring.length > 0)
    causes.push({
      code: 'bridge_out_of_sync',
      network: network.name,
      detail: `bridge ${network.vdsmName} is out of sync with the engine: ${wiring.map(words).join('; ')}`,
    });
  if (isolation.length > 0)
    causes.push({
      code: 'isolation_rules',
      network: network.name,
      detail: `bridge ${network.vdsmName} breaks the isolation rules: ${isolation.map(words).join('; ')}`,
    });
  return causes;
}

/**
 * The DHCP lease of a vNIC that asks DHCP on `network` (an address plan serves it), or a cause
 * when the segment's DHCP service never leased to its MAC.
 */
export async function dhcpLease(
  ctx: EngineContext,
  network: Network,
  vmName: string,
  nic: VmNic,
): Promise<{ readonly ip: string | null; readonly cause: ConnectivityCause | null }> {
  const mac = nic.mac.toLowerCase();
  const leases = await ctx.host.segmentLeases(network.vdsmName).catch(() => []);
  const lease = leases.find((l) => l.mac === mac);
  if (lease !== undefined) return { ip: lease.ip, cause: null };
  return {
    ip: null,
    cause: {
      code: 'no_dhcp_lease',
      network: network.name,
      detail: `${vmName}/${nic.name} (${mac}) asks DHCP on ${network.name}, but the segment's DHCP service has no lease for it`,
    },
  };
}
