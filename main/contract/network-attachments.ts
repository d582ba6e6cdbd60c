// SPDX-License-Identifier: Apache-2.0
/**
 * Network attachments: a network on a host, over a NIC or — new with the seeds — without
 * one (`hostNicId` null). `types/NetworkAttachment.java`, `ReportedConfiguration.java`.
 *
 * @see ../../shared/reference/ovirt-api.md §2.8
 */

/** oVirt `ReportedConfigurationType` names we report, plus `ports` and `exists`. */
export type ReportedConfigurationName =
  | 'mtu'
  | 'bridged'
  | 'vlan'
  | 'stp'
  | 'ports'
  | 'exists'
  // Isolation of the bridge (issue 13 item 6): oVirt's address names, plus the link state and
  // the sysctls that keep the host unreachable from guests.
  | 'ipv4_address'
  | 'ipv6_address'
  | 'link_state'
  | 'isolation';

export interface ReportedConfiguration {
  readonly name: ReportedConfigurationName;
  readonly expectedValue: string;
  readonly actualValue: string;
  readonly inSync: boolean;
}

export interface NetworkAttachment {
  readonly id: string;
  readonly hostId: string;
  readonly networkId: string;
  /** The network's name, for convenience (clients follow the link otherwise). */
  readonly networkName: string;
  /** Null for a NIC-less (isolated) attachment. */
  readonly hostNicId: string | null;
  readonly hostNicName: string | null;
  /** False when the host reports something other than the network's definition. */
  readonly inSync: boolean;
  readonly reportedConfigurations: readonly ReportedConfiguration[];
  /** When the host last reported this attachment (ISO 8601), null before the first report. */
  readonly reportedAt: string | null;
}
