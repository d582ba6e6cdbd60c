// SPDX-License-Identifier: Apache-2.0
/**
 * Hosts, host NICs, network attachments, host labels and statistics ⇄ oVirt documents
 * (`types/Host.java`, `HostNic.java`, `NetworkAttachment.java`, `Statistic.java`).
 * NIC-less attachments simply have no `host_nic` element.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §2.5–§2.8
 */
import type { Statistic } from '../../../contract/common';
import type { Host, HostNetworkLabel, HostNic } from '../../../contract/hosts';
import type { NetworkAttachment } from '../../../contract/network-attachments';
import type { AttachmentSpec, OpInput } from '../../../contract/operations';
import { Decimal, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, type InputObject, int, objList, type Ref, ref, str } from '../input';
import { actionLinks, refTo, subLinks } from './links';

export const HOST_ACTIONS = ['activate', 'commitnetconfig', 'deactivate', 'setupnetworks'];

/** `/hosts/{id}`. */
export function hostDoc(base: string, h: Host): DocObject {
  const href = `${base}/hosts/${h.id}`;
  return {
    href,
    id: h.id,
    name: h.name,
    actions: actionLinks(href, HOST_ACTIONS),
    link: subLinks(href, ['networkattachments', 'networklabels', 'nics']),
    address: h.address,
    cluster: refTo(base, 'clusters', h.clusterId),
    cpu: { name: h.cpuModel, topology: { cores: 1, sockets: h.cpus, threads: 1 } },
    libvirt_version: { full_version: h.libvirtVersion },
    max_scheduling_memory: h.memoryBytes,
    memory: h.memoryBytes,
    network_operation_in_progress: h.networkOperationInProgress,
    os: { type: h.osName },
    port: 54321,
    status: h.status,
    status_detail: h.statusDetail ?? undefined,
    type: 'rhel',
  };
}

/** `/hosts/{h}/nics/{n}`. */
export function hostNicDoc(base: string, n: HostNic): DocObject {
  const href = `${base}/hosts/${n.hostId}/nics/${n.id}`;
  const first = n.ipv4[0];
  const [address, prefix] = first === undefined ? [] : first.split('/');
  return {
    href,
    id: n.id,
    name: n.name,
    link: subLinks(href, ['networkattachments', 'networklabels', 'statistics']),
    boot_protocol: first === undefined ? 'none' : 'static',
    bridged: n.bridged,
    host: refTo(base, 'hosts', n.hostId),
    ip:
      address === undefined
        ? undefined
        : { address, netmask: prefixToNetmask(Number(prefix ?? 32)), version: 'v4' },
    mac: { address: n.mac },
    mtu: n.mtu,
    speed: n.speedMbps === null ? undefined : n.speedMbps * 1_000_000,
    status: n.status,
  };
}

function prefixToNetmask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
}

/** `/hosts/{h}/networkattachments/{a}`; without `host_nic` when NIC-less. */
export function networkAttachmentDoc(base: string, a: NetworkAttachment): DocObject {
  const href = `${base}/hosts/${a.hostId}/networkattachments/${a.id}`;
  return {
    href,
    id: a.id,
    link: subLinks(href, ['statistics']),
    host: refTo(base, 'hosts', a.hostId),
    host_nic: a.hostNicId === null ? undefined : refTo(base, `hosts/${a.hostId}/nics`, a.hostNicId),
    in_sync: a.inSync,
    ip_address_assignments: { ip_address_assignment: [{ assignment_method: 'none' }] },
    network: refTo(base, 'networks', a.networkId),
    reported_configurations: {
      reported_configuration: a.reportedConfigurations.map((r) => ({
        name: r.name,
        actual_value: r.actualValue,
        expected_value: r.expectedValue,
        in_sync: r.inSync,
      })),
    },
  };
}

/** `/hosts/{h}/networklabels/{l}` or `/hosts/{h}/nics/{n}/networklabels/{l}`. */
export function hostLabelDoc(base: string, l: HostNetworkLabel): DocObject {
  const owner =
    l.nicId === null ? `${base}/hosts/${l.hostId}` : `${base}/hosts/${l.hostId}/nics/${l.nicId}`;
  return {
    href: `${owner}/networklabels/${encodeURIComponent(l.id)}`,
    id: l.id,
    host: l.nicId === null ? refTo(base, 'hosts', l.hostId) : undefined,
    host_nic:
      l.nicId === null
        ? undefined
        : {
            ...refTo(base, `hosts/${l.hostId}/nics`, l.nicId),
            host: refTo(base, 'hosts', l.hostId),
          },
  };
}

/**
 * A statistic under `parentHref` (`…/statistics/{id}`), with its parent link element
 * (`host_nic`, `nic`, `network_attachment`, `vm`).
 */
export function statisticDoc(
  parentHref: string,
  s: Statistic,
  parent: { readonly element: string; readonly ref: DocObject },
): DocObject {
  return {
    href: `${parentHref}/statistics/${s.id}`,
    id: s.id,
    name: s.name,
    description: s.description,
    kind: s.kind,
    type: s.type,
    unit: s.unit,
    values: { value: s.values.map((v) => ({ datum: new Decimal(v.datum) })) },
    [parent.element]: parent.ref,
  };
}

// ── Input ──────────────────────────────────────────────────────────────────────────────

function refOrUndefined(r: Ref | undefined): Ref | undefined {
  return r === undefined || (r.id === undefined && r.name === undefined) ? undefined : r;
}

/** One `<network_attachment>`: optional id, network and host_nic references. */
function attachmentSpec(o: InputObject): AttachmentSpec {
  const id = str(o, 'id');
  const network = refOrUndefined(ref(o, 'network'));
  const hostNic = refOrUndefined(ref(o, 'host_nic'));
  return {
    ...(id !== undefined ? { id } : {}),
    ...(network !== undefined ? { network } : {}),
    ...(hostNic !== undefined ? { hostNic } : {}),
  };
}

/**
 * The `setupnetworks` action body (AM `HostService.SetupNetworks`). A missing `host_nic`
 * means a NIC-less attachment; labels without a NIC are host-level labels (the seeds).
 */
export function setupNetworksInput(hostId: string, o: InputObject): OpInput<'HostSetupNetworks'> {
  const modified = objList(o, 'modified_network_attachments', 'network_attachment') ?? [];
  const removed = objList(o, 'removed_network_attachments', 'network_attachment') ?? [];
  const synced = objList(o, 'synchronized_network_attachments', 'network_attachment') ?? [];
  const modifiedLabels = (objList(o, 'modified_labels', 'network_label') ?? []).map((l) => {
    const id = str(l, 'id');
    if (id === undefined) throw incompleteParameters('NetworkLabel', ['id'], 'setupnetworks');
    const hostNic = refOrUndefined(ref(l, 'host_nic'));
    return { id, ...(hostNic !== undefined ? { hostNic } : {}) };
  });
  const removedLabels = (objList(o, 'removed_labels', 'network_label') ?? []).map((l) => {
    const id = str(l, 'id');
    if (id === undefined) throw incompleteParameters('NetworkLabel', ['id'], 'setupnetworks');
    return { id };
  });
  const checkConnectivity = bool(o, 'check_connectivity');
  const connectivityTimeout = int(o, 'connectivity_timeout');
  const commitOnSuccess = bool(o, 'commit_on_success');
  return {
    hostId,
    modifiedNetworkAttachments: modified.map(attachmentSpec),
    removedNetworkAttachments: removed.map(attachmentSpec),
    synchronizedNetworkAttachments: synced.map(attachmentSpec),
    modifiedLabels,
    removedLabels,
    ...(checkConnectivity !== undefined ? { checkConnectivity } : {}),
    ...(connectivityTimeout !== undefined ? { connectivityTimeout } : {}),
    ...(commitOnSuccess !== undefined ? { commitOnSuccess } : {}),
  };
}

/** `POST /hosts/{h}/networkattachments`: network mandatory, host_nic optional. */
export function addAttachmentInput(
  hostId: string,
  o: InputObject,
  nicId?: string,
): OpInput<'AddNetworkAttachment'> {
  const spec = attachmentSpec(o);
  if (spec.network === undefined) {
    throw incompleteParameters('NetworkAttachment', ['network.id|name'], 'add');
  }
  const hostNic = nicId !== undefined ? { id: nicId } : spec.hostNic;
  return { hostId, network: spec.network, ...(hostNic !== undefined ? { hostNic } : {}) };
}
