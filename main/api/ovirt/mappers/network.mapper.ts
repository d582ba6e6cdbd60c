// SPDX-License-Identifier: Apache-2.0
/**
 * Networks, network labels and vNIC profiles ⇄ oVirt documents (`types/Network.java`,
 * `NetworkLabel.java`, `VnicProfile.java`). `isolated` is the seeds' addition.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §2.3, §2.4, §2.11
 */
import type { ClusterNetwork } from '../../../contract/clusters';
import type { Network, NetworkLabel, VnicProfile } from '../../../contract/networks';
import type { OpInput } from '../../../contract/operations';
import type { DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, enumValue, type InputObject, int, obj, type Ref, ref, str, strList } from '../input';
import { addressPlanDoc, addressPlanInput } from './address-plan.mapper';
import { refTo, subLinks } from './links';

/** A network at `/networks/{id}`. */
export function networkDoc(base: string, n: Network): DocObject {
  const href = `${base}/networks/${n.id}`;
  return {
    href,
    id: n.id,
    name: n.name,
    description: n.description || undefined,
    comment: n.comment || undefined,
    link: subLinks(href, ['networklabels', 'vnicprofiles']),
    data_center: refTo(base, 'datacenters', n.dataCenterId),
    isolated: n.isolated,
    mtu: n.mtu,
    port_isolation: n.portIsolation,
    stp: n.stp,
    usages: { usage: n.vmNetwork ? ['vm'] : [] },
    vdsm_name: n.vdsmName,
    vlan: n.vlanId === null ? undefined : { id: String(n.vlanId) },
    address_plan: addressPlanDoc(n.addressPlan),
    // Issue 17: oVirt's external_provider (ovirt-provider-ovn) on an OVN network.
    external_provider: n.externalProviderId
      ? refTo(base, 'openstacknetworkproviders', n.externalProviderId)
      : undefined,
  };
}

/** A network in cluster context (`/clusters/{c}/networks/{n}`): required, roles, status. */
export function clusterNetworkDoc(base: string, n: ClusterNetwork): DocObject {
  const plain = networkDoc(base, n);
  const roles: string[] = n.vmNetwork ? ['vm'] : [];
  roles.push(...n.cluster.roles);
  return {
    ...plain,
    href: `${base}/clusters/${n.cluster.clusterId}/networks/${n.id}`,
    cluster: refTo(base, 'clusters', n.cluster.clusterId),
    display: n.cluster.roles.includes('display'),
    required: n.cluster.required,
    status: n.cluster.status,
    usages: { usage: roles },
  };
}

/** A label on a network. */
export function networkLabelDoc(base: string, l: NetworkLabel): DocObject {
  return {
    href: `${base}/networks/${l.networkId}/networklabels/${encodeURIComponent(l.id)}`,
    id: l.id,
    network: refTo(base, 'networks', l.networkId),
  };
}

/** A vNIC profile (`network` always carries its id: Ansible compares it). */
export function vnicProfileDoc(base: string, p: VnicProfile): DocObject {
  const href = `${base}/vnicprofiles/${p.id}`;
  return {
    href,
    id: p.id,
    name: p.name,
    description: p.description || undefined,
    network: refTo(base, 'networks', p.networkId),
    pass_through: { mode: 'disabled' },
    port_mirroring: p.portMirroring,
  };
}

// ── Input ──────────────────────────────────────────────────────────────────────────────

/** oVirt `NetworkUsage`. */
export const NETWORK_USAGES = [
  'default_route',
  'display',
  'gluster',
  'management',
  'migration',
  'vm',
] as const;

/** Reads `usages` (validated against `NetworkUsage`); undefined when absent. */
export function readUsages(o: InputObject): (typeof NETWORK_USAGES)[number][] | undefined {
  return strList(o, 'usages', 'usage')?.map((u) => enumValue(u, NETWORK_USAGES, 'NetworkUsage'));
}

/** Mandatory-field check on a reference: `data_center` needs id or name. */
function hasRef(r: Ref | undefined): r is Ref {
  return r !== undefined && (r.id !== undefined || r.name !== undefined);
}

/** `<network>` → AddNetwork input; `dataCenterId` comes from the URL under /datacenters. */
export function addNetworkInput(o: InputObject, dataCenterId?: string): OpInput<'AddNetwork'> {
  const name = str(o, 'name');
  const dc = dataCenterId === undefined ? ref(o, 'data_center') : { id: dataCenterId };
  const missing: string[] = [];
  if (name === undefined) missing.push('name');
  if (!hasRef(dc)) missing.push('dataCenter.name|id');
  if (name === undefined || !hasRef(dc)) throw incompleteParameters('Network', missing, 'add');
  const externalProvider = ref(o, 'external_provider');
  return {
    name,
    dataCenter: dc,
    ...networkFields(o),
    ...(externalProvider !== undefined ? { externalProvider } : {}),
  };
}

/** `<network>` → UpdateNetwork input (only what the body carries). */
export function updateNetworkInput(id: string, o: InputObject): OpInput<'UpdateNetwork'> {
  const name = str(o, 'name');
  return { id, ...(name !== undefined ? { name } : {}), ...networkFields(o) };
}

function networkFields(o: InputObject): {
  description?: string;
  comment?: string;
  mtu?: number;
  vlanId?: number | null;
  stp?: boolean;
  vmNetwork?: boolean;
  isolated?: boolean;
  portIsolation?: boolean;
  profileRequired?: boolean;
  addressPlan?: OpInput<'AddNetwork'>['addressPlan'];
} {
  const description = str(o, 'description');
  const comment = str(o, 'comment');
  const mtu = int(o, 'mtu');
  const vlan = obj(o, 'vlan');
  const vlanId = vlan === undefined ? undefined : (int(vlan, 'id') ?? null);
  const stp = bool(o, 'stp');
  const usages = readUsages(o);
  const isolated = bool(o, 'isolated');
  const portIsolation = bool(o, 'port_isolation');
  const profileRequired = bool(o, 'profile_required');
  const addressPlan = addressPlanInput(o);
  return {
    ...(description !== undefined ? { description } : {}),
    ...(comment !== undefined ? { comment } : {}),
    ...(mtu !== undefined ? { mtu } : {}),
    ...(vlanId !== undefined ? { vlanId } : {}),
    ...(stp !== undefined ? { stp } : {}),
    // oVirt: absent usages = VM network; present = VM network only when it lists `vm`.
    ...(usages !== undefined ? { vmNetwork: usages.includes('vm') } : {}),
    ...(isolated !== undefined ? { isolated } : {}),
    ...(portIsolation !== undefined ? { portIsolation } : {}),
    ...(profileRequired !== undefined ? { profileRequired } : {}),
    ...(addressPlan !== undefined ? { addressPlan } : {}),
  };
}

/** `<network id|name><required/><usages/>` posted to `/clusters/{id}/networks`. */
export function attachToClusterInput(
  clusterId: string,
  o: InputObject,
): OpInput<'AttachNetworkToCluster'> {
  const id = str(o, 'id');
  const name = str(o, 'name');
  if (id === undefined && name === undefined) {
    throw incompleteParameters('Network', ['id|name'], 'add');
  }
  const required = bool(o, 'required');
  const roles = readUsages(o)?.filter((u) => u !== 'vm');
  return {
    cluster: { id: clusterId },
    network: { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) },
    ...(required !== undefined ? { required } : {}),
    ...(roles !== undefined ? { roles } : {}),
  };
}

/** `PUT /clusters/{c}/networks/{n}`: `required` and `usages`. */
export function updateClusterNetworkInput(
  clusterId: string,
  networkId: string,
  o: InputObject,
): OpInput<'UpdateNetworkOnCluster'> {
  const required = bool(o, 'required');
  const roles = readUsages(o)?.filter((u) => u !== 'vm');
  return {
    clusterId,
    networkId,
    ...(required !== undefined ? { required } : {}),
    ...(roles !== undefined ? { roles } : {}),
  };
}

/** `<network_label id="lbl"/>`: the id is mandatory. */
export function labelIdOf(o: InputObject): string {
  const id = str(o, 'id');
  if (id === undefined) throw incompleteParameters('NetworkLabel', ['id'], 'add');
  return id;
}

/** `<vnic_profile>`: name, and network id unless it comes from the URL. */
export function addVnicProfileInput(o: InputObject, networkId?: string): OpInput<'AddVnicProfile'> {
  const name = str(o, 'name');
  const net = networkId ?? ref(o, 'network')?.id;
  const missing: string[] = [];
  if (name === undefined) missing.push('name');
  if (net === undefined) missing.push('network.id');
  if (name === undefined || net === undefined) {
    throw incompleteParameters('VnicProfile', missing, 'add');
  }
  const description = str(o, 'description');
  return { name, networkId: net, ...(description !== undefined ? { description } : {}) };
}
