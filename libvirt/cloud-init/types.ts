// SPDX-License-Identifier: Apache-2.0
/**
 * The guest initialization the host layer takes (oVirt's `initialization` in camelCase): the
 * cloud-init seed and the tiny guest's command line are both built from it. Its own module so
 * libvirt/cloud-init/* and host-agent.ts do not import each other.
 */

/** A static IPv4 address for one guest NIC, in the guest's own NIC naming (eth0, eth1, …). */
export interface GuestNicAddress {
  readonly nic: string;
  readonly address: string;
  readonly prefix: number;
}

/** A guest NIC that asks DHCP for its address (oVirt `boot_protocol` `dhcp`), tiny guest path. */
export interface GuestNicDhcp {
  readonly nic: string;
  readonly bootProtocol: 'dhcp';
}

/** oVirt `boot_protocol` of a NIC configuration. */
export type GuestBootProtocol = 'none' | 'dhcp' | 'static' | 'autoconf' | 'poly_dhcp_autoconf';

/**
 * oVirt `nic_configuration` (in the host layer's camelCase).
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/nic_configuration
 */
export interface GuestNicConfiguration {
  /** Guest interface name, e.g. `eth0`; matched to a vNIC through {@link CloudInitSeedRequest.nics}. */
  readonly name: string;
  readonly onBoot?: boolean;
  readonly bootProtocol?: GuestBootProtocol;
  /** IPv4: `netmask` dotted (255.255.255.0) or a prefix length. */
  readonly ip?: { readonly address?: string; readonly netmask?: string; readonly gateway?: string };
  readonly ipv6BootProtocol?: GuestBootProtocol;
  /** IPv6: `netmask` is a prefix length. */
  readonly ipv6?: {
    readonly address?: string;
    readonly netmask?: string;
    readonly gateway?: string;
  };
}

/**
 * oVirt `initialization` (cloud-init fields).
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/initialization
 */
export interface GuestInitialization {
  readonly hostName?: string;
  /** Default `root`. */
  readonly userName?: string;
  /** Plain text from the API; only its SHA-512 crypt hash reaches the seed. Never logged. */
  readonly rootPassword?: string;
  /** Newline-separated public keys. */
  readonly authorizedSshKeys?: string;
  readonly regenerateSshKeys?: boolean;
  /** tz database name, e.g. `Europe/Paris`. */
  readonly timezone?: string;
  /** Space-separated, as oVirt has them. */
  readonly dnsServers?: string;
  readonly dnsSearch?: string;
  readonly nicConfigurations?: readonly GuestNicConfiguration[];
  /** cloud-config YAML (or a `#!` script), merged after the generated config. */
  readonly customScript?: string;
}

/** What the host needs to build a NoCloud seed for one VM. */
export interface CloudInitSeedRequest {
  /** The VM id: names the seed file and is part of the instance id. */
  readonly vmId: string;
  readonly initialization: GuestInitialization;
  /** Guest interface name → vNIC MAC, in vNIC order (`eth0` = first vNIC unless said otherwise). */
  readonly nics: readonly { readonly name: string; readonly mac: string }[];
}
