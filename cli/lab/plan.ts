// SPDX-License-Identifier: Apache-2.0
/**
 * The plan: lab file (desired) against the engine (current), as Terraform and VDSM's
 * setupNetworks do it — compute the difference first, touch nothing, then apply only that.
 * Pure: no I/O, so it is tested without an engine.
 */
import {
  type Lab,
  type LabAddressPlan,
  type LabNetwork,
  type LabVm,
  markedDescription,
  ownerOf,
} from './model';
import type { EngineInitialization, EngineNetwork, EngineState, EngineVm } from './state';

export type PlanAction = 'create' | 'change' | 'leave' | 'remove' | 'replace';

export type PlanItem =
  | {
      readonly kind: 'network';
      readonly action: PlanAction;
      readonly name: string;
      readonly changes: readonly string[];
      readonly desired: LabNetwork | null;
      readonly current: EngineNetwork | null;
    }
  | {
      readonly kind: 'vm';
      readonly action: PlanAction;
      readonly name: string;
      readonly changes: readonly string[];
      readonly desired: LabVm | null;
      readonly current: EngineVm | null;
    };

export interface Plan {
  readonly lab: string;
  readonly items: readonly PlanItem[];
  /** Why the plan cannot be applied (name taken by something the lab does not own…). */
  readonly conflicts: readonly string[];
}

export function hasChanges(plan: Plan): boolean {
  return plan.items.some((i) => i.action !== 'leave');
}

const mib = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))}MiB`;

function planText(p: LabAddressPlan | null): string {
  if (p === null) return 'off';
  return [
    p.cidr,
    p.gateway === undefined ? '' : `gw ${p.gateway}`,
    p.dhcp === undefined ? '' : `dhcp ${p.dhcp.start}-${p.dhcp.end}`,
    p.dnsDomain === undefined ? '' : `domain ${p.dnsDomain}`,
    p.dnsServers.length === 0 ? '' : `dns ${p.dnsServers.join(',')}`,
  ]
    .filter((s) => s !== '')
    .join(' ');
}

function networkChanges(lab: string, d: LabNetwork, c: EngineNetwork): string[] {
  const out: string[] = [];
  // oVirt reports 0 for "the default MTU".
  const mtu = c.mtu === 0 ? 1500 : c.mtu;
  if (mtu !== d.mtu) out.push(`mtu: ${mtu} → ${d.mtu}`);
  const desc = markedDescription(lab, d.description);
  if (c.description !== desc) out.push(`description: "${c.description}" → "${desc}"`);
  const was = planText(c.addressPlan);
  const will = planText(d.addressPlan);
  if (was !== will) out.push(`address plan: ${was} → ${will}`);
  if (!c.attached) out.push('attach to the cluster (deploy on the host)');
  return out;
}

/** The cloud-init the engine should hold for a VM, in the engine's read-back shape. */
export function desiredInitialization(vm: LabVm): EngineInitialization | null {
  const addresses = vm.nics.flatMap((nic, i) =>
    nic.address === null
      ? []
      : [{ name: `eth${i}`, ip: nic.address.ip, netmask: nic.address.netmask }],
  );
  const ci = vm.cloudInit;
  if (ci === null && addresses.length === 0) return null;
  return {
    ...(ci?.hostName !== undefined ? { hostName: ci.hostName } : {}),
    ...(ci?.user !== undefined ? { user: ci.user } : {}),
    ...(ci?.script !== undefined ? { script: ci.script } : {}),
    sshKeys: ci?.sshKeys ?? [],
    addresses,
  };
}

function initText(i: EngineInitialization | null): string {
  return i === null ? 'none' : JSON.stringify(i);
}

function vmChanges(
  lab: string,
  d: LabVm,
  c: EngineVm,
  profileOfNetwork: (name: string) => string | null,
  networkNameOfProfile: (id: string | null) => string,
): string[] {
  const out: string[] = [];
  if (c.cpus !== d.cpus) out.push(`cpus: ${c.cpus} → ${d.cpus}`);
  if (c.memoryBytes !== d.memoryBytes)
    out.push(`memory: ${mib(c.memoryBytes)} → ${mib(d.memoryBytes)}`);
  const desc = markedDescription(lab, d.description);
  if (c.description !== desc) out.push(`description: "${c.description}" → "${desc}"`);
  // A file without cloud-init leaves the VM's as it is: the API has no "clear" for it yet.
  const init = desiredInitialization(d);
  if (init !== null && initText(c.initialization) !== initText(init))
    out.push('cloud-init settings');
  d.nics.forEach((nic) => {
    const has = c.nics.find((n) => n.name === nic.name);
    if (has === undefined) out.push(`${nic.name}: add on ${nic.network}`);
    else if (has.profileId !== profileOfNetwork(nic.network)) {
      out.push(`${nic.name}: ${networkNameOfProfile(has.profileId)} → ${nic.network}`);
    }
  });
  for (const n of c.nics) {
    if (!d.nics.some((x) => x.name === n.name)) out.push(`${n.name}: remove`);
  }
  return out;
}

/**
 * Plans `lab` against `state`. With `destroy`, the desired lab is empty: every resource the
 * lab owns is removed and nothing else is looked at.
 */
export function planLab(lab: Lab, state: EngineState, destroy = false): Plan {
  const items: PlanItem[] = [];
  const conflicts: string[] = [];
  const owned = (description: string): boolean => ownerOf(description) === lab.name;
  const desiredNetworks = destroy ? [] : lab.networks;
  const desiredVms = destroy ? [] : lab.vms;
  if (!destroy && state.clusterId === null)
    conflicts.push(`no cluster "${lab.cluster}" in the engine`);

  const profileOfNetwork = (name: string): string | null =>
    state.networks.find((n) => n.name === name)?.profileId ?? null;
  const networkNameOfProfile = (id: string | null): string =>
    id === null ? '(no network)' : (state.networks.find((n) => n.profileId === id)?.name ?? id);

  for (const d of desiredNetworks) {
    const c = state.networks.find((n) => n.name === d.name) ?? null;
    if (c === null) {
      items.push({
        kind: 'network',
        action: 'create',
        name: d.name,
        changes: [],
        desired: d,
        current: null,
      });
    } else if (!owned(c.description)) {
      const owner = ownerOf(c.description);
      conflicts.push(
        `network "${d.name}" already exists and belongs to ${owner === null ? 'no lab' : `lab "${owner}"`}`,
      );
    } else {
      const changes = networkChanges(lab.name, d, c);
      items.push({
        kind: 'network',
        action: changes.length === 0 ? 'leave' : 'change',
        name: d.name,
        changes,
        desired: d,
        current: c,
      });
    }
  }
  for (const c of state.networks) {
    if (owned(c.description) && !desiredNetworks.some((d) => d.name === c.name)) {
      items.push({
        kind: 'network',
        action: 'remove',
        name: c.name,
        changes: [],
        desired: null,
        current: c,
      });
    }
  }

  for (const d of desiredVms) {
    const c = state.vms.find((v) => v.name === d.name) ?? null;
    if (!state.templates.has(d.template))
      conflicts.push(`VM "${d.name}": no template "${d.template}" in the engine`);
    if (c === null) {
      items.push({
        kind: 'vm',
        action: 'create',
        name: d.name,
        changes: [],
        desired: d,
        current: null,
      });
    } else if (!owned(c.description)) {
      const owner = ownerOf(c.description);
      conflicts.push(
        `VM "${d.name}" already exists and belongs to ${owner === null ? 'no lab' : `lab "${owner}"`}`,
      );
    } else if (c.templateId !== state.templates.get(d.template)) {
      items.push({
        kind: 'vm',
        action: 'replace',
        name: d.name,
        changes: [`template → ${d.template}`],
        desired: d,
        current: c,
      });
    } else {
      const changes = vmChanges(lab.name, d, c, profileOfNetwork, networkNameOfProfile);
      items.push({
        kind: 'vm',
        action: changes.length === 0 ? 'leave' : 'change',
        name: d.name,
        changes,
        desired: d,
        current: c,
      });
    }
  }
  for (const c of state.vms) {
    if (owned(c.description) && !desiredVms.some((d) => d.name === c.name)) {
      items.push({
        kind: 'vm',
        action: 'remove',
        name: c.name,
        changes: [],
        desired: null,
        current: c,
      });
    }
  }
  return { lab: lab.name, items, conflicts };
}
