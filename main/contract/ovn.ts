// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: networks that span hosts, backed by OVN, in oVirt's model: the external network
 * provider `ovirt-provider-ovn` (`/openstacknetworkproviders`), and networks that name it as
 * their `external_provider`. Here the provider is built in (the engine's machine is the OVN
 * central: NB/SB DBs + northd), so there is exactly one, always present.
 *
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/open_stack_network_provider
 */

/** oVirt `OpenStackNetworkProvider` (the fields its clients read). */
export interface OpenStackNetworkProvider {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** oVirt `OpenStackNetworkProviderType`: `external` for ovirt-provider-ovn. */
  readonly type: 'external';
  readonly url: string;
  readonly requiresAuthentication: boolean;
  readonly readOnly: boolean;
  readonly autoSync: boolean;
  readonly unmanaged: boolean;
}

/** The built-in provider's id (stable: clients and lab files may name it). */
export const OVN_PROVIDER_ID = 'a1d0e0a0-0f17-4c0e-9a7e-0000000000b1';
/** oVirt's name of the provider. */
export const OVN_PROVIDER_NAME = 'ovirt-provider-ovn';

export const OVN_PROVIDER: OpenStackNetworkProvider = {
  id: OVN_PROVIDER_ID,
  name: OVN_PROVIDER_NAME,
  description: 'Isolated networks spanning hosts (OVN logical switches, Geneve tunnels)',
  type: 'external',
  url: 'unix:/var/run/ovn/ovnnb_db.sock',
  requiresAuthentication: false,
  readOnly: false,
  autoSync: false,
  unmanaged: false,
};

/**
 * Geneve over IPv4: outer IPv4 20 + UDP 8 + Geneve 8 + OVN's option 8 + inner Ethernet 14.
 * The usable MTU of an OVN network is the underlay's minus this.
 */
export const GENEVE_OVERHEAD = 58;

/** An OVN network as the NB/SB DBs hold it (read back, AIO addition). */
export interface OvnNetworkState {
  readonly networkId: string;
  readonly switchName: string;
  /** Always 0 for an isolated network (no localnet port: nothing outside the switch). */
  readonly localnetPorts: number;
  /** Usable MTU recorded on the switch. */
  readonly mtu: number | null;
  readonly dhcpCidr: string | null;
  readonly dnsRecords: Readonly<Record<string, string>>;
  readonly ports: readonly {
    readonly id: string;
    readonly addresses: readonly string[];
    readonly chassis: string | null;
    readonly up: boolean;
  }[];
}
