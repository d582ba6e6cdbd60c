// SPDX-License-Identifier: Apache-2.0
/**
 * Labs (issue 15): a named set of networks and VMs that `aio lab apply` brings up and
 * `destroy` removes, and the Labs page shows. Not an oVirt entity: an extension collection
 * (`/ovirt-engine/api/labs`) written in oVirt's style. A network or VM belongs to at most
 * one lab, and a lab's VMs use only its own networks (or ones of no lab), so two labs in
 * one engine never touch each other.
 */
import { z } from 'zod';

import { Uuid } from './common';

export interface Lab {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly creationTime: string;
  /** Ids of the lab's networks and VMs (attachment rows). */
  readonly networkIds: readonly string[];
  readonly vmIds: readonly string[];
  /** The stored start order of its VMs (group 0, no dependency, no delay by default). */
  readonly startOrder?: readonly LabVmStartOrder[];
}

/** One VM's stored place in its lab's start order. */
export interface LabVmStartOrder {
  readonly vmId: string;
  readonly group: number;
  readonly dependsOn: readonly string[];
  readonly delaySeconds: number;
}

/** Same limits as other entity names here; the charset keeps names usable in files and URLs. */
export const LAB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export const AddLabInput = z
  .object({ name: z.string(), description: z.string().max(4000).optional() })
  .strict();

/** Per-VM start order, from the lab file (`group`, `depends_on`, `start_delay`). */
export const LabStartOrder = z
  .object({
    vmId: Uuid,
    group: z.number().int().min(0).max(1000).optional(),
    dependsOn: z.array(Uuid).max(1000).optional(),
    delaySeconds: z.number().int().min(0).max(3600).optional(),
  })
  .strict();

export const UpdateLabInput = z
  .object({
    id: Uuid,
    description: z.string().max(4000).optional(),
    /** The lab's stored start order (replaces the given VMs' entries); "Start all" uses it. */
    startOrder: z.array(LabStartOrder).max(10000).optional(),
  })
  .strict();

/** Attach/detach one member: exactly one of `networkId`, `vmId`. */
export const LabMemberInput = z
  .object({ labId: Uuid, networkId: Uuid.optional(), vmId: Uuid.optional() })
  .strict()
  .refine((m) => (m.networkId === undefined) !== (m.vmId === undefined), {
    message: 'exactly one of networkId, vmId',
  });

/** Where one VM of a lab start is. */
export type LabStartVmState = 'waiting' | 'starting' | 'booting' | 'up' | 'failed' | 'skipped';

export interface LabStartVm {
  readonly vmId: string;
  readonly name: string;
  readonly group: number;
  readonly state: LabStartVmState;
  /** When RunVm was asked (ISO), null while waiting. */
  readonly startedAt: string | null;
  /** When it answered (the tiny guest's ready line; else the VM up), failed or was given up. */
  readonly doneAt: string | null;
  /** Why it failed or was not started. */
  readonly detail: string | null;
}

/**
 * A lab start in waves (StartLab): the last one per lab, stored at each change. `interrupted`:
 * the engine stopped while it ran (VMs not yet started were not; the rest stay as they are).
 */
export interface LabStartJob {
  readonly labId: string;
  readonly status: 'running' | 'finished' | 'interrupted';
  readonly parallelism: number;
  readonly memoryBudgetBytes: number;
  readonly stopOnFailure: boolean;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** VMs that were already running are not in the start. */
  readonly vms: readonly LabStartVm[];
}

export const StartLabInput = z
  .object({
    id: Uuid,
    /** VMs booting at once; default the host's CPU count. */
    parallelism: z.number().int().min(1).max(256).optional(),
    stopOnFailure: z.boolean().optional(),
    /** Per VM: give up when it has not answered after this long (default 600 s). */
    bootTimeoutSeconds: z.number().int().min(5).max(7200).optional(),
    order: z.array(LabStartOrder).max(10000).optional(),
  })
  .strict();

/** StopLab's answer: what was stopped and what refused. */
export interface LabStopResult {
  readonly stopped: readonly string[];
  readonly failed: readonly { readonly name: string; readonly detail: string }[];
}

/** `aio doctor A B`: why A may not reach B, from what the engine knows. */
export type ConnectivityCauseCode =
  | 'vm_down'
  | 'different_networks'
  | 'nic_unplugged'
  | 'link_down'
  | 'mtu_mismatch'
  | 'duplicate_ip'
  | 'duplicate_mac'
  | 'different_subnets'
  | 'no_address'
  // What the host shows (doctor-host.ts): the bridge against the engine's wish, its isolation
  // rules, and a DHCP vNIC the segment never leased to.
  | 'bridge_out_of_sync'
  | 'isolation_rules'
  | 'no_dhcp_lease';

export interface ConnectivityCause {
  readonly code: ConnectivityCauseCode;
  /** The shared network it is about, when there is one. */
  readonly network: string | null;
  readonly detail: string;
}

export interface ConnectivityDiagnosis {
  readonly vmId: string;
  readonly peerId: string;
  /** Networks both VMs have a vNIC on. */
  readonly sharedNetworks: readonly string[];
  /** True when nothing the engine knows stands in the way (not a proof: no probe is sent). */
  readonly reachable: boolean;
  readonly causes: readonly ConnectivityCause[];
  /** The proof, when asked for (`probe`): a ping from inside A to B's address. */
  readonly probe?: ConnectivityProbe | null;
}

/** A real ping from guest A to B, typed on A's serial console (doctor-probe.ts). */
export interface ConnectivityProbe {
  /** The network and B's address on it that A pinged (null when none was known). */
  readonly network: string | null;
  readonly address: string | null;
  /** The line typed on A's console. */
  readonly command: string;
  /** True: B answered; false: it did not; null: the probe could not be run (see evidence). */
  readonly reached: boolean | null;
  /** What the guest printed, or why there was no probe. */
  readonly evidence: string;
}

export const DiagnoseConnectivityInput = z
  .object({ vmId: Uuid, peerId: Uuid, probe: z.boolean().optional() })
  .strict();
