// SPDX-License-Identifier: Apache-2.0
/**
 * The plan: lab file (desired) against the engine (current), as Terraform and VDSM's
 * setupNetworks do it — compute the difference first, touch nothing, then apply only that.
 * Pure: no I/O, so it is tested without an engine. Ownership is the engine's lab object
 * (attachment rows); a resource the first CLI step marked in its description is adopted.
 */
import { type Lab, type LabAddressPlan, type LabNetwork, type LabVm, legacyOwnerOf } from './model';
import type {
  EngineInitialization,
  EngineNetwork,
  EngineResource,
  EngineState,
  EngineVm,
} from './state';

export type PlanAction = 'create' | 'change' | 'leave' | 'remove' | 'replace';

interface Item<K extends string, D, C> {
  readonly kind: K;
  readonly action: PlanAction;
  readonly name: string;
  readonly changes: readonly string[];
  readonly desired: D | null;
  readonly current: C | null;
}

export type NetworkItem = Item<'network', LabNetwork, EngineNetwork>;
export type VmItem = Item<'vm', LabVm, EngineVm>;
export type PlanItem = NetworkItem | VmItem;

export interface Plan {
  readonly lab: string;
  /** The engine's lab object: created by apply, removed by destroy. */
  readonly labAction: 'create' | 'remove' | 'leave';
  readonly items: readonly PlanItem[];
  /** Why the plan cannot be applied (name taken by something the lab does not own…). */
  readonly conflicts: readonly string[];
}

export function hasChanges(plan: Plan): boolean {
  return plan.labAction !== 'leave' || plan.items.some((i) => i.action !== 'leave');
}

/** The change that tags a resource the engine does not yet count as the lab's. */
const JOIN = 'tag with the lab';

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

function networkChanges(d: LabNetwork, c: EngineNetwork): string[] {
  const out: string[] = [];
  // oVirt reports 0 for "the default MTU".
  const mtu = c.mtu === 0 ? 1500 : c.mtu;
  if (mtu !== d.mtu) out.push(`mtu: ${mtu} → ${d.mtu}`);
  if (c.description !== d.description)
    out.push(`description: "${c.description}" → "${d.description}"`);
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
  const dhcpNics = vm.nics.flatMap((nic, i) => (nic.dhcp === true ? [`eth${i}`] : []));
  const ci = vm.cloudInit;
  if (ci === null && addresses.length === 0 && dhcpNics.length === 0) return null;
  return {
    ...(ci?.hostName !== undefined ? { hostName: ci.hostName } : {}),
    ...(ci?.user !== undefined ? { user: ci.user } : {}),
    ...(ci?.script !== undefined ? { script: ci.script } : {}),
    sshKeys: ci?.sshKeys ?? [],
    addresses,
    ...(dhcpNics.length > 0 ? { dhcpNics } : {}),
  };
}

function initText(i: EngineInitialization | null): string {
  return i === null ? 'none' : JSON.stringify(i);
}

function vmChanges(
  d: LabVm,
  c: EngineVm,
  profileOfNetwork: (name: string) => string | null,
  networkNameOfProfile: (id: string | null) => string,
): string[] {
  const out: string[] = [];
  if (c.cpus !== d.cpus) out.push(`cpus: ${c.cpus} → ${d.cpus}`);
  if (c.memoryBytes !== d.memoryBytes)
    out.push(`memory: ${mib(c.memoryBytes)} → ${mib(d.memoryBytes)}`);
  if (c.description !== d.description)
    out.push(`description: "${c.description}" → "${d.description}"`);
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
 * One kind of resource (networks or VMs), the same way for both: a desired one the engine
 * lacks is created; one the lab owns is compared (`compare` says change, replace or leave);
 * a name held by anything else is a conflict; what the lab owns and no longer declares is
 * removed.
 */
function planKind<
  K extends PlanItem['kind'],
  D extends { readonly name: string },
  C extends EngineResource,
>(
  kind: K,
  lab: string,
  desired: readonly D[],
  current: readonly C[],
  conflicts: string[],
  compare: (d: D, c: C) => { action: PlanAction; changes: string[] },
): Item<K, D, C>[] {
  const owner = (c: C): string | null => c.lab ?? legacyOwnerOf(c.description);
  const owned = (c: C): boolean => owner(c) === lab;
  const items: Item<K, D, C>[] = [];
  const item = (
    action: PlanAction,
    name: string,
    d: D | null,
    c: C | null,
    changes: string[] = [],
  ): void => {
    items.push({ kind, action, name, changes, desired: d, current: c });
  };
  for (const d of desired) {
    const c = current.find((x) => x.name === d.name) ?? null;
    if (c === null) {
      item('create', d.name, d, null);
    } else if (!owned(c)) {
      const o = owner(c);
      conflicts.push(
        `${kind === 'vm' ? 'VM' : kind} "${d.name}" already exists and belongs to ${o === null ? 'no lab' : `lab "${o}"`}`,
      );
    } else {
      const r = compare(d, c);
      const changes = c.lab === null && r.action !== 'replace' ? [...r.changes, JOIN] : r.changes;
      item(r.action === 'leave' && changes.length > 0 ? 'change' : r.action, d.name, d, c, changes);
    }
  }
  for (const c of current) {
    if (owned(c) && !desired.some((d) => d.name === c.name)) item('remove', c.name, null, c);
  }
  return items;
}

/**
 * Plans `lab` against `state`. With `destroy`, the desired lab is empty: every resource the
 * lab owns is removed (then the lab object) and nothing else is looked at.
 */
export function planLab(lab: Lab, state: EngineState, destroy = false): Plan {
  const conflicts: string[] = [];
  if (!destroy && state.clusterId === null)
    conflicts.push(`no cluster "${lab.cluster}" in the engine`);
  const profileOfNetwork = (name: string): string | null =>
    state.networks.find((n) => n.name === name)?.profileId ?? null;
  const networkNameOfProfile = (id: string | null): string =>
    id === null ? '(no network)' : (state.networks.find((n) => n.profileId === id)?.name ?? id);
  const desiredVms = destroy ? [] : lab.vms;
  for (const d of desiredVms) {
    if (!state.templates.has(d.template))
      conflicts.push(`VM "${d.name}": no template "${d.template}" in the engine`);
  }
  const changed = (changes: string[]): { action: PlanAction; changes: string[] } => ({
    action: changes.length === 0 ? 'leave' : 'change',
    changes,
  });
  const networks = planKind(
    'network',
    lab.name,
    destroy ? [] : lab.networks,
    state.networks,
    conflicts,
    (d, c) => changed(networkChanges(d, c)),
  );
  const vms = planKind('vm', lab.name, desiredVms, state.vms, conflicts, (d, c) =>
    c.templateId !== state.templates.get(d.template)
      ? { action: 'replace', changes: [`template → ${d.template}`] }
      : changed(vmChanges(d, c, profileOfNetwork, networkNameOfProfile)),
  );
  const exists = state.labs.some((l) => l.name === lab.name);
  const labAction = destroy ? (exists ? 'remove' : 'leave') : exists ? 'leave' : 'create';
  return { lab: lab.name, labAction, items: [...networks, ...vms], conflicts };
}
