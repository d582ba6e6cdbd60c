// SPDX-License-Identifier: Apache-2.0
/**
 * A lab file after validation, with defaults made explicit (VDSM's canonicalize step): what
 * the planner compares with the engine. The file's shape is lab.schema.json.
 */

export interface LabAddressPlan {
  readonly cidr: string;
  readonly gateway?: string;
  readonly dhcp?: { readonly start: string; readonly end: string };
  readonly dnsDomain?: string;
  readonly dnsServers: readonly string[];
}

export interface LabNetwork {
  readonly name: string;
  readonly description: string;
  readonly mtu: number;
  readonly addressPlan: LabAddressPlan | null;
}

export interface LabNic {
  /** Engine NIC name: nic1, nic2… in file order. */
  readonly name: string;
  readonly network: string;
  /** Static address set through cloud-init, with its netmask; null when none. */
  readonly address: { readonly ip: string; readonly netmask: string } | null;
  /** No address, on a network whose address plan serves DHCP: the guest asks DHCP. */
  readonly dhcp?: boolean;
}

export interface LabCloudInit {
  readonly hostName?: string;
  readonly user?: string;
  readonly sshKeys: readonly string[];
  readonly script?: string;
}

export interface LabVm {
  readonly name: string;
  readonly description: string;
  readonly template: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly nics: readonly LabNic[];
  readonly cloudInit: LabCloudInit | null;
  readonly group: number;
  readonly dependsOn: readonly string[];
  readonly startDelaySeconds: number;
}

/** How the lab's VMs are started (the file's `start`); absent fields: the engine's defaults. */
export interface LabStart {
  readonly parallelism?: number;
  readonly stopOnFailure: boolean;
  readonly bootTimeoutSeconds?: number;
}

export interface Lab {
  readonly name: string;
  readonly cluster: string;
  readonly dataCenter: string;
  readonly start: LabStart;
  readonly networks: readonly LabNetwork[];
  readonly vms: readonly LabVm[];
}

/** One problem in a lab file, located in it (1-based line and column). */
export interface LabError {
  readonly line: number;
  readonly column: number;
  /** Dotted field path (`vms.web.memory`); empty for the whole file. */
  readonly field: string;
  readonly message: string;
}

/**
 * The ownership marker of the first CLI step (before labs were engine objects): the
 * `description` of every network and VM that version created starts with it. Still read so
 * that `apply` adopts such resources into the engine's lab object (and drops the marker).
 */
export const LAB_MARKER_PREFIX = 'aio-lab:';

/** The lab a legacy marked description names, or null. */
export function legacyOwnerOf(description: string | undefined): string | null {
  if (description === undefined || !description.startsWith(LAB_MARKER_PREFIX)) return null;
  const rest = description.slice(LAB_MARKER_PREFIX.length);
  const end = rest.indexOf(' ');
  return end === -1 ? rest : rest.slice(0, end);
}
