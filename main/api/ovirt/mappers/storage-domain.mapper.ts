// SPDX-License-Identifier: Apache-2.0
/**
 * Storage domains ⇄ oVirt documents (AM `types/StorageDomain.java`, `HostStorage.java`).
 * Two views, as oVirt's REST has them: the global `/storagedomains/{id}` shows `status`
 * only as `unattached` (or not at all), the real status lives under
 * `/datacenters/{dc}/storagedomains/{id}`. Sizes are whole GiB in bytes.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §1
 */
import type { OpInput } from '../../../contract/operations';
import type { StorageDomain } from '../../../contract/storage-domains';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, enumOf, type InputObject, int, obj, ref, str } from '../input';
import { actionLinks, refTo, subLinks } from './links';
import { wholeGiB } from './params';

/** oVirt `StorageDomainType`. */
const SD_TYPES = ['data', 'export', 'image', 'iso', 'managed_block_storage', 'volume'] as const;
/** oVirt `StorageType`. */
const STORAGE_TYPES = [
  'cinder',
  'fcp',
  'glance',
  'glusterfs',
  'iscsi',
  'localfs',
  'managed_block_storage',
  'nfs',
  'posixfs',
] as const;

/** The fields both views share. */
function common(href: string, sd: StorageDomain): DocObject {
  return {
    href,
    id: sd.id,
    name: sd.name,
    description: sd.description || undefined,
    comment: sd.comment || undefined,
    available: sd.availableBytes === null ? undefined : wholeGiB(sd.availableBytes),
    backup: false,
    block_size: 512,
    committed: wholeGiB(sd.committedBytes),
    critical_space_action_blocker: sd.criticalSpaceActionBlocker,
    discard_after_delete: false,
    external_status: 'ok',
    master: sd.master,
    storage: { path: sd.path, type: sd.storageType },
    storage_format: sd.storageFormat,
    supports_discard: false,
    supports_discard_zeroes_data: false,
    type: sd.type,
    used: sd.usedBytes === null ? undefined : wholeGiB(sd.usedBytes),
    warning_low_space_indicator: sd.warningLowSpaceIndicator,
    wipe_after_delete: false,
    creation_time: new DateTime(new Date(sd.creationTime)),
  };
}

/** `/storagedomains/{id}`: status only when unattached, plus the data centers it is in. */
export function storageDomainDoc(base: string, sd: StorageDomain): DocObject {
  const href = `${base}/storagedomains/${sd.id}`;
  return {
    ...common(href, sd),
    actions: actionLinks(href, []),
    link: subLinks(href, ['diskprofiles', 'disks']),
    data_centers:
      sd.dataCenterId === null
        ? undefined
        : { data_center: [refTo(base, 'datacenters', sd.dataCenterId)] },
    status: sd.dataCenterId === null ? 'unattached' : undefined,
  };
}

/** `/datacenters/{dc}/storagedomains/{id}`: the real status, and the data center. */
export function attachedStorageDomainDoc(base: string, dcId: string, sd: StorageDomain): DocObject {
  const href = `${base}/datacenters/${dcId}/storagedomains/${sd.id}`;
  return {
    ...common(href, sd),
    actions: actionLinks(href, []),
    link: subLinks(href, ['disks']),
    data_center: refTo(base, 'datacenters', dcId),
    data_centers: { data_center: [refTo(base, 'datacenters', dcId)] },
    status: sd.status,
  };
}

/**
 * `<storage_domain>` → AddStorageDomain. oVirt's mandatory fields: `host.id|name`, `type`,
 * `storage.type`, `name`, and `storage.path` for file domains.
 */
export function addStorageDomainInput(o: InputObject): OpInput<'AddStorageDomain'> {
  const host = ref(o, 'host');
  const storage = obj(o, 'storage');
  const type = enumOf(o, 'type', SD_TYPES, 'StorageDomainType');
  const storageType =
    storage === undefined ? undefined : enumOf(storage, 'type', STORAGE_TYPES, 'StorageType');
  const name = str(o, 'name');
  const missing: string[] = [];
  if (host === undefined || (host.id === undefined && host.name === undefined)) {
    missing.push('host.id|name');
  }
  if (type === undefined) missing.push('type');
  if (storageType === undefined) missing.push('storage.type');
  if (name === undefined) missing.push('name');
  if (missing.length > 0) throw incompleteParameters('StorageDomain', missing, 'add');
  const path = storage === undefined ? undefined : str(storage, 'path');
  if (path === undefined) throw incompleteParameters('HostStorage', ['path'], 'add');
  const description = str(o, 'description');
  const comment = str(o, 'comment');
  const dataCenter = ref(o, 'data_center');
  const warning = int(o, 'warning_low_space_indicator');
  const critical = int(o, 'critical_space_action_blocker');
  // Accepted as oVirt does; this engine has nothing to do with them.
  bool(o, 'wipe_after_delete');
  bool(o, 'discard_after_delete');
  return {
    name: name ?? '',
    // Types the model knows but a local appliance cannot host reach the engine, which
    // refuses them with its own fault.
    type: type as 'data',
    storage: { type: storageType as 'localfs', path },
    ...(host !== undefined ? { host } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(comment !== undefined ? { comment } : {}),
    ...(dataCenter !== undefined ? { dataCenter } : {}),
    ...(warning !== undefined ? { warningLowSpaceIndicator: warning } : {}),
    ...(critical !== undefined ? { criticalSpaceActionBlocker: critical } : {}),
  };
}

/**
 * `/diskprofiles/{id}`: each domain has one default profile, named after it (as oVirt
 * names a domain's default profile) and sharing its id, since this engine keeps no QoS.
 */
export function diskProfileDoc(base: string, sd: StorageDomain): DocObject {
  return {
    href: `${base}/diskprofiles/${sd.id}`,
    id: sd.id,
    name: sd.name,
    storage_domain: refTo(base, 'storagedomains', sd.id),
  };
}
