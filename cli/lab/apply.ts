// SPDX-License-Identifier: Apache-2.0
/**
 * Carries out a {@link Plan} through the REST API, one oVirt call per step, in an order
 * that keeps references valid: the lab object first, networks (a NIC needs its network's
 * vNIC profile), then VMs, each tagged with the lab (`POST /labs/{id}/networks|vms`) right
 * after it is created; removals the other way round (VMs before the networks their NICs use,
 * the lab last). The first failing call stops the run: what was done stays done and the next
 * `apply` plans the rest (an untagged leftover of the lab's is then a name conflict to clear
 * by hand, which the engine's lab rules make rare: tagging follows creation at once).
 */
import { type EngineClient, type Json, text } from '../engine/client';
import type { Lab, LabAddressPlan, LabVm } from './model';
import { desiredInitialization, type NetworkItem, type Plan, type VmItem } from './plan';
import type { EngineState, EngineVm } from './state';

export type Progress = (line: string) => void;

function addressPlanBody(p: LabAddressPlan | null): Json {
  if (p === null) return { enabled: false };
  return {
    subnet: {
      cidr: p.cidr,
      ip_version: 'v4',
      ...(p.gateway !== undefined ? { gateway: p.gateway } : {}),
      ...(p.dnsServers.length > 0 ? { dns_servers: { dns_server: p.dnsServers } } : {}),
    },
    ...(p.dhcp !== undefined ? { dhcp_range: { start: p.dhcp.start, end: p.dhcp.end } } : {}),
    ...(p.dnsDomain !== undefined ? { dns_domain: p.dnsDomain } : {}),
  };
}

function initializationBody(vm: LabVm): Json | undefined {
  const init = desiredInitialization(vm);
  if (init === null) return undefined;
  return {
    ...(init.hostName !== undefined ? { host_name: init.hostName } : {}),
    ...(init.user !== undefined ? { user_name: init.user } : {}),
    ...(init.script !== undefined ? { custom_script: init.script } : {}),
    ...(init.sshKeys.length > 0 ? { authorized_ssh_keys: init.sshKeys.join('\n') } : {}),
    ...(init.addresses.length > 0 || (init.dhcpNics ?? []).length > 0
      ? {
          nic_configurations: {
            nic_configuration: [
              ...init.addresses.map((a) => ({
                name: a.name,
                boot_protocol: 'static',
                on_boot: true,
                ip: { address: a.ip, netmask: a.netmask, version: 'v4' },
              })),
              // A NIC on a network with an address plan asks the segment's DHCP service.
              ...(init.dhcpNics ?? []).map((name) => ({
                name,
                boot_protocol: 'dhcp',
                on_boot: true,
              })),
            ],
          },
        }
      : {}),
  };
}

async function profileIds(client: EngineClient): Promise<Map<string, string>> {
  const [networks, profiles] = await Promise.all([
    client.list('/networks', 'network'),
    client.list('/vnicprofiles', 'vnic_profile'),
  ]);
  const nameOf = new Map(networks.map((n) => [text(n, 'id'), text(n, 'name')]));
  const out = new Map<string, string>();
  for (const p of profiles) {
    const name = nameOf.get(text(p, 'network.id'));
    const id = text(p, 'id');
    if (name !== undefined && id !== undefined && !out.has(name)) out.set(name, id);
  }
  return out;
}

export class LabApplier {
  private profiles: Map<string, string> | null = null;
  private labId: string | null;

  constructor(
    private readonly client: EngineClient,
    private readonly lab: Lab,
    state: Pick<EngineState, 'clusterId' | 'labs'>,
    private readonly progress: Progress,
  ) {
    this.clusterId = state.clusterId;
    this.labId = state.labs.find((l) => l.name === lab.name)?.id ?? null;
  }

  private readonly clusterId: string | null;

  /** The engine lab's id (after `run`, also when it was created). */
  get id(): string | null {
    return this.labId;
  }

  /** Tags a network or VM with the lab. */
  private async tag(kind: 'networks' | 'vms', id: string, name: string): Promise<void> {
    const labId = this.labId;
    if (labId === null) throw new Error(`lab ${this.lab.name} does not exist in the engine`);
    const root = kind === 'vms' ? 'vm' : 'network';
    await this.step(
      `tag ${root === 'vm' ? 'VM' : 'network'} ${name} with lab ${this.lab.name}`,
      () => this.client.call('POST', `/labs/${labId}/${kind}`, { id }),
    );
  }

  private async step(label: string, work: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    try {
      await work();
    } catch (err) {
      this.progress(`✗ ${label}`);
      throw err;
    }
    this.progress(`✓ ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  async run(plan: Plan): Promise<void> {
    const networks = (actions: readonly string[]): NetworkItem[] =>
      plan.items.filter(
        (i): i is NetworkItem => i.kind === 'network' && actions.includes(i.action),
      );
    const vms = (actions: readonly string[]): VmItem[] =>
      plan.items.filter((i): i is VmItem => i.kind === 'vm' && actions.includes(i.action));
    if (plan.labAction === 'create') {
      await this.step(`create lab ${this.lab.name}`, async () => {
        const created = await this.client.call('POST', '/labs', { name: this.lab.name });
        this.labId = text(created, 'id') ?? null;
      });
    }
    for (const item of networks(['create', 'change'])) await this.network(item);
    for (const item of vms(['remove', 'replace'])) {
      if (item.current !== null) await this.removeVm(item.current);
    }
    for (const item of vms(['create', 'replace', 'change'])) await this.vm(item);
    for (const item of networks(['remove'])) {
      const id = item.current?.id ?? '';
      await this.step(`remove network ${item.name}`, () =>
        this.client.call('DELETE', `/networks/${id}`),
      );
    }
    const labId = this.labId;
    if (plan.labAction === 'remove' && labId !== null) {
      await this.step(`remove lab ${this.lab.name}`, () =>
        this.client.call('DELETE', `/labs/${labId}`),
      );
      this.labId = null;
    }
  }

  private async network(item: NetworkItem): Promise<void> {
    const d = item.desired;
    if (d === null) return;
    const body: Json = {
      description: d.description,
      mtu: d.mtu,
      address_plan: addressPlanBody(d.addressPlan),
    };
    let id = item.current?.id ?? '';
    if (item.action === 'create') {
      if (d.addressPlan === null) delete body.address_plan;
      await this.step(`create network ${d.name}`, async () => {
        const created = await this.client.call('POST', '/networks', {
          name: d.name,
          isolated: true,
          data_center: { name: this.lab.dataCenter },
          ...body,
        });
        id = text(created, 'id') ?? '';
      });
      this.profiles = null;
      await this.tag('networks', id, d.name);
    } else {
      await this.step(`change network ${d.name}`, () =>
        this.client.call('PUT', `/networks/${id}`, body),
      );
      if (item.current?.lab === null) await this.tag('networks', id, d.name);
    }
    const attached = item.current !== null && item.current.attached;
    if (!attached && this.clusterId !== null) {
      const cluster = this.clusterId;
      await this.step(`attach network ${d.name} to cluster ${this.lab.cluster}`, () =>
        this.client.call('POST', `/clusters/${cluster}/networks`, { id }),
      );
    }
  }

  private async profileOf(network: string): Promise<string> {
    this.profiles ??= await profileIds(this.client);
    const id = this.profiles.get(network);
    if (id === undefined) throw new Error(`network ${network} has no vNIC profile`);
    return id;
  }

  private async vm(item: VmItem): Promise<void> {
    const d = item.desired;
    if (d === null) return;
    const fields: Json = {
      description: d.description,
      memory: d.memoryBytes,
      cpu: { topology: { sockets: d.cpus, cores: 1, threads: 1 } },
    };
    const init = initializationBody(d);
    if (init !== undefined) fields.initialization = init;
    const current = item.action === 'change' ? item.current : null;
    let id = current?.id ?? '';
    if (current === null) {
      await this.step(`create VM ${d.name}`, async () => {
        const created = await this.client.call('POST', '/vms', {
          name: d.name,
          cluster: { name: this.lab.cluster },
          template: { name: d.template },
          ...fields,
        });
        id = text(created, 'id') ?? '';
      });
      await this.tag('vms', id, d.name);
    } else {
      await this.step(`change VM ${d.name}`, () => this.client.call('PUT', `/vms/${id}`, fields));
      if (current.lab === null) await this.tag('vms', id, d.name);
    }
    const nics = current?.nics ?? [];
    for (const nic of d.nics) {
      const profile = await this.profileOf(nic.network);
      const has = nics.find((n) => n.name === nic.name);
      if (has === undefined) {
        await this.step(`add ${d.name}/${nic.name} on ${nic.network}`, () =>
          this.client.call('POST', `/vms/${id}/nics`, {
            name: nic.name,
            vnic_profile: { id: profile },
          }),
        );
      } else if (has.profileId !== profile) {
        await this.step(`move ${d.name}/${nic.name} to ${nic.network}`, () =>
          this.client.call('PUT', `/vms/${id}/nics/${has.id}`, { vnic_profile: { id: profile } }),
        );
      }
    }
    for (const n of nics) {
      if (!d.nics.some((x) => x.name === n.name)) {
        await this.step(`remove ${d.name}/${n.name}`, () =>
          this.client.call('DELETE', `/vms/${id}/nics/${n.id}`),
        );
      }
    }
  }

  private async removeVm(vm: EngineVm): Promise<void> {
    if (vm.status !== 'down') {
      await this.step(`stop VM ${vm.name}`, () =>
        this.client.call('POST', `/vms/${vm.id}/stop`, {}),
      );
    }
    await this.step(`remove VM ${vm.name}`, () => this.client.call('DELETE', `/vms/${vm.id}`));
  }
}
