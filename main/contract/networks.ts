// SPDX-License-Identifier: Apache-2.0
/**
 * Logical networks, network labels and vNIC profiles, in oVirt's words
 * (`types/Network.java`, `NetworkLabel.java`, `VnicProfile.java`), plus the seeds' `isolated`.
 *
 * @see ../../shared/reference/ovirt-api.md §2.3, §2.4, §2.11
 */

/** MTU 0 means "the default", which is this value (oVirt `DefaultMTU`). */
export const DEFAULT_MTU = 1500;
export const MIN_MTU = 68;
export const MAX_MTU = 65535;
/** Network names: at most this many characters, any characters (oVirt ≥ 4.2). */
export const NETWORK_NAME_MAX_LENGTH = 256;
/** Label format (oVirt `@ValidName`, `NO_SPECIAL_CHARACTERS`). */
export const LABEL_PATTERN = /^[0-9a-zA-Z_-]+$/;

export interface Network {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly comment: string;
  readonly dataCenterId: string;
  /** 0 = default (1500). */
  readonly mtu: number;
  /** VLAN tag, null when untagged. Always null for isolated networks. */
  readonly vlanId: number | null;
  readonly stp: boolean;
  /** oVirt `usages` contains `vm`. Always true for isolated networks. */
  readonly vmNetwork: boolean;
  /** Seed: `network.is_isolated` — a NIC-less, in-host-only network. */
  readonly isolated: boolean;
  readonly portIsolation: boolean;
  /** On-host (bridge) name, oVirt's `vdsm_name` rule. */
  readonly vdsmName: string;
  /** The network's label (at most one), or null. */
  readonly label: string | null;
}

/** A label on a network (`/networks/{id}/networklabels`). `id` is the label text. */
export interface NetworkLabel {
  readonly id: string;
  readonly networkId: string;
}

export interface VnicProfile {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly networkId: string;
  readonly portMirroring: boolean;
}
