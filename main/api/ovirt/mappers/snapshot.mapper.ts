// SPDX-License-Identifier: Apache-2.0
/**
 * VM snapshots ⇄ oVirt documents (AM `types/Snapshot.java`). Snapshots here are disk-only:
 * memory is never saved, so every snapshot reports `persist_memorystate` false whatever the
 * request asked. Each item carries the VM configuration it recorded (`vm.name` …), which
 * Ansible's `ovirt_snapshot` reads.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §5
 */
import type { OpInput } from '../../../contract/operations';
import type { Snapshot } from '../../../contract/snapshots';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, type InputObject, obj, objList, str } from '../input';
import { actionLinks, refTo, subLinks } from './links';

/** `/vms/{v}/snapshots/{s}`. */
export function snapshotDoc(base: string, s: Snapshot): DocObject {
  const href = `${base}/vms/${s.vmId}/snapshots/${s.id}`;
  return {
    href,
    id: s.id,
    description: s.description,
    actions: actionLinks(href, s.type === 'active' ? [] : ['restore']),
    link: subLinks(href, ['disks']),
    date: new DateTime(new Date(s.date)),
    persist_memorystate: false,
    snapshot_status: s.status,
    snapshot_type: s.type,
    vm: {
      ...refTo(base, 'vms', s.vmId),
      name: s.vm.name,
      description: s.vm.description || undefined,
      cpu: { topology: { cores: 1, sockets: s.vm.vcpus, threads: 1 } },
      memory: s.vm.memoryBytes,
      // The boot order it recorded (issue 16), as the VM shows it; absent in older snapshots.
      ...(s.vm.bootDevices === undefined
        ? {}
        : { os: { boot: { devices: { device: [...s.vm.bootDevices] } } } }),
    },
  };
}

/**
 * `<snapshot>` → CreateSnapshot: `description` mandatory; `disk_attachments` limits the
 * disks (absent = all, empty = configuration only).
 */
export function createSnapshotInput(vmId: string, o: InputObject): OpInput<'CreateSnapshot'> {
  const description = str(o, 'description');
  if (description === undefined) throw incompleteParameters('Snapshot', ['description'], 'add');
  const persistMemoryState = bool(o, 'persist_memorystate');
  const attachments = objList(o, 'disk_attachments', 'disk_attachment');
  const diskIds = attachments?.map((a) => {
    const disk = obj(a, 'disk') ?? {};
    const id = str(disk, 'id') ?? str(a, 'id');
    if (id === undefined) throw incompleteParameters('DiskAttachment', ['disk.id'], 'add');
    return id;
  });
  return {
    vmId,
    description,
    ...(persistMemoryState !== undefined ? { persistMemoryState } : {}),
    ...(diskIds !== undefined ? { diskIds } : {}),
  };
}
