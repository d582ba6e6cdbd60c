// SPDX-License-Identifier: Apache-2.0
/**
 * VMs and their NICs (`types/Vm.java`, `Nic.java`), with oVirt's cloud-init `initialization`.
 *
 * @see ../../shared/reference/ovirt-api.md §2.9, §2.10
 */
import { z } from 'zod';

import type { BootDevice } from './cdroms';
import type { PlacementPolicy } from './placement';

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

/**
 * On reads a stored `root_password` is shown as this (oVirt's mask). Sent back in an update
 * (a client that PUTs what it GOT), it means "keep the stored password".
 */
export const HIDDEN_PASSWORD = '******';

/** oVirt `BootProtocol`. `autoconf` and `poly_dhcp_autoconf` are IPv6 only. */
export const BOOT_PROTOCOLS = ['static', 'none', 'dhcp', 'autoconf', 'poly_dhcp_autoconf'] as const;
export type BootProtocol = (typeof BOOT_PROTOCOLS)[number];

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const isDomain = (d: string): boolean =>
  d.length <= 253 && d.split('.').every((l) => LABEL.test(l));
const isIp = (a: string, version?: 'v4' | 'v6'): boolean =>
  z
    .string()
    .ip(version === undefined ? undefined : { version })
    .safeParse(a).success;
const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);
/** One OpenSSH public key line: type, base64 blob, optional comment. */
const SSH_KEY = /^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\p{Cc}]*)?$/u;

/**
 * oVirt `ip` of a NIC configuration: `netmask` is dotted (`255.255.255.0`) or a prefix length
 * (`24`) for IPv4, a prefix length for IPv6.
 */
const Ip = z
  .object({
    address: z.string().max(64).optional(),
    netmask: z
      .string()
      .regex(/^(\d{1,3}|\d{1,3}(\.\d{1,3}){3})$/, { message: 'must be a netmask or prefix length' })
      .optional(),
    gateway: z.string().max(64).optional(),
    version: z.enum(['v4', 'v6']).optional(),
  })
  .strict();

/** Problems of one address family of a NIC configuration (empty = fine). */
function familyProblems(
  nic: string,
  v: 'v4' | 'v6',
  protocol: BootProtocol | undefined,
  ip: z.output<typeof Ip> | undefined,
): string[] {
  const what = `nic_configuration ${nic} (${v === 'v4' ? 'IPv4' : 'IPv6'})`;
  const out: string[] = [];
  if (v === 'v4' && (protocol === 'autoconf' || protocol === 'poly_dhcp_autoconf'))
    out.push(`${what}: boot_protocol ${protocol} is for IPv6 only`);
  if (protocol === 'static') {
    if (ip?.address === undefined || !isIp(ip.address, v))
      out.push(`${what}: boot_protocol static needs a valid ${v} address`);
    if (ip?.netmask !== undefined) {
      const n = ip.netmask;
      const ok =
        v === 'v6'
          ? /^\d{1,3}$/.test(n) && Number(n) <= 128
          : /^\d{1,2}$/.test(n)
            ? Number(n) <= 32
            : isIp(n, 'v4') &&
              /^1*0*$/.test(
                n
                  .split('.')
                  .map((p) => Number(p).toString(2).padStart(8, '0'))
                  .join(''),
              );
      if (!ok) out.push(`${what}: netmask ${n} is not valid`);
    }
  }
  if (ip?.gateway !== undefined && !isIp(ip.gateway, v))
    out.push(`${what}: gateway ${ip.gateway} is not a ${v} address`);
  if (ip?.version !== undefined && ip.version !== v)
    out.push(`${what}: ip version ${ip.version} does not fit`);
  return out;
}

/**
 * One `nic_configuration` (oVirt cloud-init): the guest NIC name (`eth0` = the VM's first vNIC,
 * `eth1` the second, …), IPv4 boot protocol + `ip`, IPv6 boot protocol + `ipv6`, `on_boot`.
 */
export const NicConfiguration = z
  .object({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/, { message: 'must be a NIC name' }),
    bootProtocol: z.enum(BOOT_PROTOCOLS).default('static'),
    ip: Ip.optional(),
    ipv6BootProtocol: z.enum(BOOT_PROTOCOLS).optional(),
    ipv6: Ip.optional(),
    onBoot: z.boolean().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const message of [
      ...familyProblems(c.name, 'v4', c.bootProtocol, c.ip),
      ...familyProblems(c.name, 'v6', c.ipv6BootProtocol, c.ipv6),
    ])
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  });
export type NicConfiguration = z.output<typeof NicConfiguration>;

/**
 * oVirt `initialization` (cloud-init): stored on VMs and templates, delivered to disk-image
 * guests as a NoCloud seed and to the tiny guest on its kernel command line (addresses only).
 * `root_password` is stored but never read back (see {@link HIDDEN_PASSWORD}).
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/initialization
 */
export const Initialization = z
  .object({
    hostName: z
      .string()
      .refine(isDomain, { message: 'must be a host name (DNS labels)' })
      .optional(),
    userName: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { message: 'must be a Linux user name' })
      .optional(),
    rootPassword: z
      .string()
      .max(256)
      .refine((p) => !/[\n\r\0]/.test(p), { message: 'must be one line' })
      .optional(),
    /** Newline-separated OpenSSH public keys. */
    authorizedSshKeys: z
      .string()
      .max(65536)
      .refine(
        (t) =>
          t
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean)
            .every((l) => SSH_KEY.test(l)),
        { message: 'must be OpenSSH public keys, one a line' },
      )
      .optional(),
    regenerateSshKeys: z.boolean().optional(),
    /** tz database name, e.g. `Europe/Paris`. */
    timezone: z
      .string()
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, {
        message: 'must be a time zone name such as Europe/Paris',
      })
      .optional(),
    /** Space-separated addresses, as oVirt has them. */
    dnsServers: z
      .string()
      .max(1024)
      .refine((s) => words(s).every((a) => isIp(a)), {
        message: 'must be IP addresses separated by spaces',
      })
      .optional(),
    /** Space-separated domains. */
    dnsSearch: z
      .string()
      .max(1024)
      .refine((s) => words(s).every(isDomain), { message: 'must be domains separated by spaces' })
      .optional(),
    /** cloud-config YAML (or a `#!` script), merged after the generated configuration. */
    customScript: z.string().max(65536).optional(),
    nicConfigurations: z.array(NicConfiguration).max(16).default([]),
  })
  .strict()
  .superRefine((init, ctx) => {
    const seen = new Set<string>();
    for (const c of init.nicConfigurations) {
      if (seen.has(c.name))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['nicConfigurations'],
          message: `nic_configuration ${c.name} is given twice`,
        });
      seen.add(c.name);
    }
  });
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
  /** Stored cloud-init data; `rootPassword`, when set, reads as {@link HIDDEN_PASSWORD}. */
  readonly initialization: Initialization | null;
  readonly startTime: string | null;
  readonly stopTime: string | null;
  readonly stopReason: string | null;
  readonly creationTime: string;
  /** Issue 16: oVirt `os.boot.devices` (absent in older fixtures = `hd`). */
  readonly bootDevices?: readonly BootDevice[];
  /** Issue 17: oVirt `placement_policy` (absent in older fixtures = migratable, no hosts). */
  readonly placementPolicy?: PlacementPolicy;
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
