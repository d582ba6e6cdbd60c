// SPDX-License-Identifier: Apache-2.0
/**
 * The desired logical switch of an OVN network, computed from the database (the provider's
 * "desired state"): one port per vNIC whose profile is on the network (named by the vNIC's
 * UUID, the `iface-id` its host binds), with the address the network's address plan gives it
 * — the very plan single-host networks serve with dnsmasq (segment-plan.ts), here handed to
 * OVN's native DHCP_Options and DNS table instead.
 */
import type { Conn } from '../../../db/client';
import { vnicProfilesRepo } from '../../../db/repos/networks.repo';
import { vmNicsRepo, vmsRepo } from '../../../db/repos/vms.repo';
import type { OvnSwitchSpec } from '../../../libvirt/host-agent';
import type { Network } from '../../contract/networks';
import { dnsLabelOf } from '../../contract/networks';
import { desiredSegment } from '../segment/segment-plan';

/** DHCP lease of OVN networks (the segment default). */
const LEASE_SECONDS = 3600;

/**
 * Locally administered, stable MAC of the network's DHCP/DNS server address (never a guest's:
 * guests get 52:54:00:… from the MAC pool).
 */
export function serverMacOf(networkId: string): string {
  const hex = networkId.replace(/-/g, '').slice(0, 10);
  return `02:${(hex.match(/../g) ?? []).join(':')}`;
}

/** What the central should hold for `network` (an OVN network: externalProviderId set). */
export function ovnSwitchSpecOf(c: Conn, network: Network): OvnSwitchSpec {
  const segment = desiredSegment(c, network);
  const leaseByMac = new Map((segment?.leases ?? []).map((l) => [l.mac, l]));
  const profiles = new Set(vnicProfilesRepo.listByNetwork(c, network.id).map((p) => p.id));
  const ports: OvnSwitchSpec['ports'][number][] = [];
  for (const vm of vmsRepo.listUsingNetwork(c, network.id)) {
    for (const nic of vmNicsRepo.listByVm(c, vm.id)) {
      if (nic.vnicProfileId === null || !profiles.has(nic.vnicProfileId)) continue;
      const lease = leaseByMac.get(nic.mac) ?? null;
      const label = dnsLabelOf(vm.name);
      const domain = network.addressPlan?.dnsDomain ?? null;
      const names =
        lease && label !== null ? [label, ...(domain ? [`${label}.${domain}`] : [])] : [];
      ports.push({ id: nic.id, mac: nic.mac, ipv4: lease?.ip ?? null, names });
    }
  }
  const plan = network.addressPlan ?? null;
  return {
    networkId: network.id,
    name: network.name,
    mtu: network.mtu,
    dhcp:
      plan === null
        ? null
        : {
            cidr: plan.subnet.cidr,
            serverIp: plan.serviceAddress,
            serverMac: serverMacOf(network.id),
            leaseSeconds: LEASE_SECONDS,
            domain: plan.dnsDomain,
          },
    ports,
  };
}
