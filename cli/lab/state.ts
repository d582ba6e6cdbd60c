// SPDX-License-Identifier: Apache-2.0
/**
 * What the engine has, read through the REST API and reduced to the fields a lab file
 * declares (the "current" side of the plan).
 */
import { type EngineClient, type Json, listOf, text } from '../engine/client';
import type { LabAddressPlan } from './model';

/** What every lab-owned resource carries: its id, name, description and engine lab. */
export interface EngineResource {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Name of the engine lab it belongs to (attachment row), or null. */
  readonly lab: string | null;
}

export interface EngineNetwork extends EngineResource {
  readonly mtu: number;
  readonly addressPlan: LabAddressPlan | null;
  /** Attached to the lab's cluster (so deployed on the host). */
  readonly attached: boolean;
  /** The network's vNIC profile with the same name (oVirt creates it with the network). */
  readonly profileId: string | null;
}

export interface EngineNic {
  readonly id: string;
  readonly name: string;
  readonly profileId: string | null;
}

export interface EngineInitialization {
  readonly hostName?: string;
  readonly user?: string;
  readonly sshKeys: readonly string[];
  readonly script?: string;
  readonly addresses: readonly { name: string; ip: string; netmask: string }[];
  /** Guest NICs (`eth1`) that ask DHCP; absent when none. */
  readonly dhcpNics?: readonly string[];
}

export interface EngineVm extends EngineResource {
  readonly templateId: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly status: string;
  readonly nics: readonly EngineNic[];
  readonly initialization: EngineInitialization | null;
}

export interface EngineLab {
  readonly id: string;
  readonly name: string;
}

export interface EngineState {
  readonly clusterId: string | null;
  /** The engine's labs (`/labs`). */
  readonly labs: readonly EngineLab[];
  readonly templates: ReadonlyMap<string, string>;
  readonly networks: readonly EngineNetwork[];
  readonly vms: readonly EngineVm[];
}

/** Network and VM id → name of its lab: every lab document lists its members by reference. */
export function labMembership(labs: readonly Json[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of labs) {
    const name = text(l, 'name') ?? '';
    for (const r of [...listOf(l, 'networks.network'), ...listOf(l, 'vms.vm')]) {
      const id = text(r, 'id');
      if (id !== undefined) out.set(id, name);
    }
  }
  return out;
}

function addressPlanOf(n: Json): LabAddressPlan | null {
  if (text(n, 'address_plan.enabled') !== 'true') return null;
  const cidr = text(n, 'address_plan.subnet.cidr');
  if (cidr === undefined) return null;
  const gateway = text(n, 'address_plan.subnet.gateway');
  const start = text(n, 'address_plan.dhcp_range.start');
  const end = text(n, 'address_plan.dhcp_range.end');
  const dnsDomain = text(n, 'address_plan.dns_domain');
  return {
    cidr,
    ...(gateway !== undefined ? { gateway } : {}),
    ...(start !== undefined && end !== undefined ? { dhcp: { start, end } } : {}),
    ...(dnsDomain !== undefined ? { dnsDomain } : {}),
    dnsServers: listOf(n, 'address_plan.subnet.dns_servers.dns_server').map(String),
  };
}

function initializationOf(v: Json): EngineInitialization | null {
  if (v.initialization === undefined) return null;
  const hostName = text(v, 'initialization.host_name');
  const user = text(v, 'initialization.user_name');
  const script = text(v, 'initialization.custom_script');
  const keys = text(v, 'initialization.authorized_ssh_keys');
  const configs = listOf(v, 'initialization.nic_configurations.nic_configuration');
  const dhcpNics = configs
    .filter((c) => text(c, 'boot_protocol') === 'dhcp')
    .map((c) => text(c, 'name') ?? '');
  return {
    ...(hostName !== undefined ? { hostName } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(script !== undefined ? { script } : {}),
    sshKeys: keys === undefined ? [] : keys.split('\n').filter((k) => k.trim() !== ''),
    addresses: configs
      .filter((c) => text(c, 'boot_protocol') !== 'dhcp')
      .map((c) => ({
        name: text(c, 'name') ?? '',
        ip: text(c, 'ip.address') ?? '',
        netmask: text(c, 'ip.netmask') ?? '',
      })),
    ...(dhcpNics.length > 0 ? { dhcpNics } : {}),
  };
}

/**
 * Reads the engine. NICs are read only for the VMs `wantsNics` picks (the lab's and those
 * the file names), so a big engine costs one request per lab VM, not per VM.
 */
export async function readEngineState(
  client: EngineClient,
  clusterName: string,
  wantsNics: (vm: { name: string; description: string; lab: string | null }) => boolean,
): Promise<EngineState> {
  const [clusters, templates, networks, profiles, vms, labs] = await Promise.all([
    client.list('/clusters', 'cluster'),
    client.list('/templates', 'template'),
    client.list('/networks', 'network'),
    client.list('/vnicprofiles', 'vnic_profile'),
    client.list('/vms', 'vm'),
    client.list('/labs', 'lab'),
  ]);
  const labOf = labMembership(labs);
  const cluster = clusters.find((c) => text(c, 'name') === clusterName);
  const clusterId = cluster === undefined ? null : (text(cluster, 'id') ?? null);
  const attached = new Set(
    clusterId === null
      ? []
      : (await client.list(`/clusters/${clusterId}/networks`, 'network')).map((n) => text(n, 'id')),
  );
  const profileOf = new Map<string, string>();
  for (const p of profiles) {
    const net = text(p, 'network.id');
    const id = text(p, 'id');
    if (net !== undefined && id !== undefined && !profileOf.has(net)) profileOf.set(net, id);
  }
  const engineVms: EngineVm[] = [];
  for (const v of vms) {
    const id = text(v, 'id') ?? '';
    const name = text(v, 'name') ?? '';
    const description = text(v, 'description') ?? '';
    const lab = labOf.get(id) ?? null;
    const nics = wantsNics({ name, description, lab })
      ? (await client.list(`/vms/${id}/nics`, 'nic')).map((n) => ({
          id: text(n, 'id') ?? '',
          name: text(n, 'name') ?? '',
          profileId: text(n, 'vnic_profile.id') ?? null,
        }))
      : [];
    const t = (k: string): number => Number(text(v, `cpu.topology.${k}`) ?? '1');
    engineVms.push({
      id,
      name,
      description,
      lab,
      templateId: text(v, 'template.id') ?? '',
      cpus: t('sockets') * t('cores') * t('threads'),
      memoryBytes: Number(text(v, 'memory') ?? '0'),
      status: text(v, 'status') ?? '',
      nics,
      initialization: initializationOf(v),
    });
  }
  return {
    clusterId,
    labs: labs.map((l) => ({ id: text(l, 'id') ?? '', name: text(l, 'name') ?? '' })),
    templates: new Map(templates.map((t) => [text(t, 'name') ?? '', text(t, 'id') ?? ''])),
    networks: networks.map((n) => {
      const id = text(n, 'id') ?? '';
      return {
        id,
        name: text(n, 'name') ?? '',
        description: text(n, 'description') ?? '',
        lab: labOf.get(id) ?? null,
        mtu: Number(text(n, 'mtu') ?? '1500'),
        addressPlan: addressPlanOf(n),
        attached: attached.has(id),
        profileId: profileOf.get(id) ?? null,
      };
    }),
    vms: engineVms,
  };
}
