// SPDX-License-Identifier: Apache-2.0
/**
 * `/vms/{id}/snapshots[/{sid}]` (+ `restore`), and `POST /vms/{id}/clone`.
 * Snapshots are disk-only (no memory), on a down or a running VM; the list starts with
 * oVirt's `Active VM` entry. A snapshot id that is not a UUID (Ansible's
 * `ovirt_snapshot` asks for `/snapshots/None`) is a 404 with a fault.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §5
 */
import { ApiFault, faultDoc, incompleteParameters } from '../fault';
import { bool, isUuid, obj, ref, str } from '../input';
import { createSnapshotInput, snapshotDoc } from '../mappers/snapshot.mapper';
import {
  actionComplete,
  collection,
  created,
  type Handler,
  ok,
  param,
  type RestContext,
} from '../rest';
import type { Router } from '../router';

/** The snapshot id of the path, or a 404 fault naming it. */
function snapshotId(ctx: RestContext): string {
  const sid = param(ctx, 'sid');
  if (!isUuid(sid)) {
    throw new ApiFault(404, faultDoc('Operation Failed', `[Entity not found: Snapshot ${sid}]`));
  }
  return sid.toLowerCase();
}

/** Registers snapshot and clone routes. */
export function registerSnapshotRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/vms/:id/snapshots', async (ctx) => {
      const list = await ctx.call('GetSnapshotsByVmId', { vmId: param(ctx, 'id') });
      return collection(
        'snapshots',
        'snapshot',
        list.map((s) => snapshotDoc(ctx.base, s)),
      );
    })
    .add('POST', '/vms/:id/snapshots', async (ctx) => {
      const input = createSnapshotInput(param(ctx, 'id'), await ctx.input('snapshot'));
      return created('snapshot', snapshotDoc(ctx.base, await ctx.call('CreateSnapshot', input)));
    })
    .add('GET', '/vms/:id/snapshots/~sid', async (ctx) => {
      const key = { vmId: param(ctx, 'id'), id: snapshotId(ctx) };
      return ok('snapshot', snapshotDoc(ctx.base, await ctx.call('GetSnapshotById', key)));
    })
    .add('DELETE', '/vms/:id/snapshots/~sid', async (ctx) => {
      await ctx.call('RemoveSnapshot', { vmId: param(ctx, 'id'), id: snapshotId(ctx) });
      return actionComplete();
    })
    .add('POST', '/vms/:id/snapshots/~sid/restore', async (ctx) => {
      const body = await ctx.input('action');
      const id = snapshotId(ctx);
      const restoreMemory = bool(body, 'restore_memory');
      return ctx.action('RestoreSnapshot', {
        vmId: param(ctx, 'id'),
        id,
        ...(restoreMemory !== undefined ? { restoreMemory } : {}),
      });
    })
    .add('POST', '/vms/:id/clone', async (ctx) => {
      const body = await ctx.input('action');
      const vm = obj(body, 'vm');
      const name = vm === undefined ? undefined : str(vm, 'name');
      if (name === undefined) throw incompleteParameters('Action', ['vm.name'], 'clone');
      const storageDomain = ref(body, 'storage_domain');
      const discardSnapshots = bool(body, 'discard_snapshots');
      return ctx.action('CloneVm', {
        id: param(ctx, 'id'),
        name,
        ...(storageDomain !== undefined &&
        (storageDomain.id !== undefined || storageDomain.name !== undefined)
          ? { storageDomain }
          : {}),
        ...(discardSnapshots !== undefined ? { discardSnapshots } : {}),
      });
    });
}
