// SPDX-License-Identifier: Apache-2.0
/**
 * What the engine has, read through the REST API and reduced to the fields a lab file
 * declares (the "current" side of the plan).
 */
import { type EngineClient, type Json, listOf, text } from '../engine/client';
import type { LabAddressPlan } from './model';

export interface EngineNetwork {
  readonly id: string;
  readonly name: string;
  readonly description: string;
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
}

export interface EngineVm {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly templateId: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly status: string;
  readonly nics: readonly EngineNic[];
  readonly initialization: EngineInitialization | null;
}

export interface EngineState {
  readonly clusterId: string | null;
  readonly templates: ReadonlyMap<string, string>;
  readonly networks: readonly EngineNetwork[];
  readonly vms: readonly EngineVm[];
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
  return {
    ...(hostName !== undefined ? { hostName } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(script !== undefined ? { script } : {}),
    sshKeys: keys === undefined ? [] : keys.split('\n').filter((k) => k.trim() !== ''),
    addresses: listOf(v, 'initialization.nic_configurations.nic_configuration').map((c) => ({
      name: text(c, 'name') ?? '',
      ip: text(c, 'ip.address') ?? '',
      netmask: text(c, 'ip.netmask') ?? '',
    })),
  };
}

/**
 * Reads the engine. NICs are read only for the VMs in `vmNames` (the lab's and those it
 * owns), so a big engine costs one request per lab VM, not per VM.
 */
export async function readEngineState(
  client: EngineClient,
  clusterName: string,
  wantsNics: (vmName: string, description: string) => boolean,
): Promise<EngineState> {
  const [clusters, templates, networks, profiles, vms] = await Promise.all([
    client.list('/clusters', 'cluster'),
    client.list('/templates', 'template'),
    client.list('/networks', 'network'),
    client.list('/vnicprofiles', 'vnic_profile'),
    client.list('/vms', 'vm'),
  ]);
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
    const nics = wantsNics(name, description)
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
    templates: new Map(templates.map((t) => [text(t, 'name') ?? '', text(t, 'id') ?? ''])),
    networks: networks.map((n) => {
      const id = text(n, 'id') ?? '';
      return {
        id,
        name: text(n, 'name') ?? '',
        description: text(n, 'description') ?? '',
        mtu: Number(text(n, 'mtu') ?? '1500'),
        addressPlan: addressPlanOf(n),
        attached: attached.has(id),
        profileId: profileOf.get(id) ?? null,
      };
    }),
    vms: engineVms,
  };
}
