// SPDX-License-Identifier: Apache-2.0
/**
 * oVirt `initialization` (cloud-init) ⇄ the contract, for VMs, templates and the `start`
 * action (AM `types/Initialization.java`, `NicConfiguration.java`; MAP `InitializationMapper`).
 * A stored `root_password` reads as `******` (the engine never hands it out); sent back, the
 * mask keeps the stored one. `cloud_init_network_protocol` is accepted and ignored: the seed is
 * always NoCloud with network-config v2.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §6
 */
import { BOOT_PROTOCOLS, type Initialization } from '../../../contract/vms';
import type { DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, enumOf, type InputObject, obj, objList, str } from '../input';

type NicConfig = Initialization['nicConfigurations'][number];
type Ip = NonNullable<NicConfig['ip']>;

const ipDoc = (ip: Ip | undefined, version: 'v4' | 'v6'): DocObject | undefined =>
  ip === undefined
    ? undefined
    : { address: ip.address, gateway: ip.gateway, netmask: ip.netmask, version };

/** `<initialization>` of a VM or template read (undefined when none is stored). */
export function initializationDoc(init: Initialization | null): DocObject | undefined {
  if (init === null) return undefined;
  return {
    authorized_ssh_keys: init.authorizedSshKeys,
    custom_script: init.customScript,
    dns_search: init.dnsSearch,
    dns_servers: init.dnsServers,
    host_name: init.hostName,
    nic_configurations: {
      nic_configuration: init.nicConfigurations.map((c) => ({
        name: c.name,
        boot_protocol: c.bootProtocol,
        ip: ipDoc(c.ip, 'v4'),
        ipv6: ipDoc(c.ipv6, 'v6'),
        ipv6_boot_protocol: c.ipv6BootProtocol,
        on_boot: c.onBoot ?? true,
      })),
    },
    regenerate_ssh_keys: init.regenerateSshKeys,
    // Already the mask when set: the engine's reads never carry the password itself.
    root_password: init.rootPassword,
    timezone: init.timezone,
    user_name: init.userName,
  };
}

function ipInput(o: InputObject, key: string): Ip | undefined {
  const ip = obj(o, key);
  if (ip === undefined) return undefined;
  const address = str(ip, 'address');
  const netmask = str(ip, 'netmask');
  const gateway = str(ip, 'gateway');
  const version = enumOf(ip, 'version', ['v4', 'v6'] as const, 'IpVersion');
  return {
    ...(address !== undefined ? { address } : {}),
    ...(netmask !== undefined ? { netmask } : {}),
    ...(gateway !== undefined ? { gateway } : {}),
    ...(version !== undefined ? { version } : {}),
  };
}

/** `<nic_configuration>`: `name` mandatory; `boot_protocol` defaults to static. */
function nicConfigurationInput(c: InputObject): NicConfig {
  const name = str(c, 'name');
  if (name === undefined) throw incompleteParameters('NicConfiguration', ['name'], 'add');
  const bootProtocol = enumOf(c, 'boot_protocol', BOOT_PROTOCOLS, 'BootProtocol') ?? 'static';
  const ipv6BootProtocol = enumOf(c, 'ipv6_boot_protocol', BOOT_PROTOCOLS, 'BootProtocol');
  const ip = ipInput(c, 'ip');
  const ipv6 = ipInput(c, 'ipv6');
  const onBoot = bool(c, 'on_boot');
  return {
    name,
    bootProtocol,
    ...(ip !== undefined ? { ip } : {}),
    ...(ipv6BootProtocol !== undefined ? { ipv6BootProtocol } : {}),
    ...(ipv6 !== undefined ? { ipv6 } : {}),
    ...(onBoot !== undefined ? { onBoot } : {}),
  };
}

/** `<initialization>` inside `o` (a VM, a template, the start action's `vm`), or undefined. */
export function initializationInput(o: InputObject): Initialization | undefined {
  const init = obj(o, 'initialization');
  if (init === undefined) return undefined;
  const text = (key: string): string | undefined => {
    const v = str(init, key);
    // An empty element is "not set" (oVirt clients send empty strings for unset fields).
    return v === undefined || v === '' ? undefined : v;
  };
  enumOf(
    init,
    'cloud_init_network_protocol',
    ['eni', 'openstack_metadata'] as const,
    'CloudInitNetworkProtocol',
  );
  const regenerateSshKeys = bool(init, 'regenerate_ssh_keys');
  const fields = {
    hostName: text('host_name'),
    userName: text('user_name'),
    // Empty is meaningful here: it clears a stored password.
    rootPassword: str(init, 'root_password'),
    authorizedSshKeys: text('authorized_ssh_keys'),
    timezone: text('timezone'),
    dnsServers: text('dns_servers'),
    dnsSearch: text('dns_search'),
    customScript: text('custom_script'),
  };
  return {
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    ...(regenerateSshKeys !== undefined ? { regenerateSshKeys } : {}),
    nicConfigurations: (objList(init, 'nic_configurations', 'nic_configuration') ?? []).map(
      nicConfigurationInput,
    ),
  };
}
