// SPDX-License-Identifier: Apache-2.0
/**
 * VMs and their NICs (`types/Vm.java`, `Nic.java`), with oVirt's cloud-init shaped
 * `initialization.nic_configurations` for guest addressing without DHCP.
 *
 * @see ../../shared/reference/ovirt-api.md §2.9, §2.10
 */
import { z } from 'zod';

/** oVirt `VmStatus` values this engine uses. */
export type VmStatus =
  | 'down'
  | 'wait_for_launch'
  | 'powering_up'
  | 'up'
  | 'paused'
  | 'powering_down'
  | 'unknown'
  /** Disks being created or copied (from a template, a clone): nothing else may run. */
  | 'image_locked';

/** oVirt `NicInterface` values the host layer can emulate. */
export const NIC_INTERFACES = ['virtio', 'e1000', 'rtl8139'] as const;
export type NicInterface = (typeof NIC_INTERFACES)[number];

const Ipv4 = z.string().ip({ version: 'v4' });

/**
 * One `nic_configuration` (oVirt cloud-init): the guest NIC name (`eth0`, …), boot protocol
 * and a static IPv4 address. Only `static` and `none` are meaningful without DHCP.
 */
export const NicConfiguration = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_.-]{1,15}$/, { message: 'must be a NIC name' }),
    bootProtocol: z.enum(['static', 'none', 'dhcp']).default('static'),
    ip: z
      .object({
        address: Ipv4,
        /** Dotted netmask (`255.255.255.0`) or a prefix length (`24`), as oVirt accepts. */
        netmask: z.string().regex(/^(\d{1,2}|\d{1,3}(\.\d{1,3}){3})$/, {
          message: 'must be a netmask or prefix length',
        }),
      })
      .strict()
      .optional(),
  })
  .strict();
export type NicConfiguration = z.output<typeof NicConfiguration>;

export const Initialization = z
  .object({ nicConfigurations: z.array(NicConfiguration).max(16).default([]) })
  .strict();
export type Initialization = z.output<typeof Initialization>;

export interface Vm {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly clusterId: string;
  readonly templateId: string;
  readonly memoryBytes: number;
  readonly vcpus: number;
  readonly status: VmStatus;
  /** Host the VM runs on, null when down. */
  readonly hostId: string | null;
  /**
   * How the VM boots: the template's `tiny` guest, or its disks (`disks`, the bootable disk
   * attachment first). `disk` (a host file booted in place) is no longer produced: such VMs
   * are turned into `disks` VMs at start-up (issue 10 item 9); kept for older clients' types.
   */
  readonly boot:
    | { readonly kind: 'tiny' }
    | { readonly kind: 'disks' }
    | { readonly kind: 'disk'; readonly diskPath: string }
    | { readonly kind: 'none' };
  readonly initialization: Initialization | null;
  readonly startTime: string | null;
  readonly stopTime: string | null;
  readonly stopReason: string | null;
  readonly creationTime: string;
}

export interface VmNic {
  readonly id: string;
  readonly vmId: string;
  readonly name: string;
  readonly interface: NicInterface;
  readonly mac: string;
  /** Null = unwired vNIC (oVirt: empty profile). */
  readonly vnicProfileId: string | null;
  readonly linked: boolean;
  readonly plugged: boolean;
}
