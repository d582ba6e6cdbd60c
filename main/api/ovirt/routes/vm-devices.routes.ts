// SPDX-License-Identifier: Apache-2.0
/**
 * VM device sub-collections this appliance has none of, but which oVirt's clients list on
 * every run: Ansible's `ovirt_vm` reads `/vms/{id}/numanodes` (to compare virtual NUMA
 * nodes) after every create or update and fails on a 404. A lab VM has no virtual NUMA
 * topology, so the list is empty, as it is in oVirt for a VM without NUMA nodes; the VM
 * itself must exist (an unknown VM is oVirt's empty 404).
 *
 * @see ovirt-engine-api-model services/VmNumaNodesService.java
 */
import { type Handler, ok, param, type Reply, type RestContext } from '../rest';
import type { Router } from '../router';

/** Registers the empty VM device lists. */
export function registerVmDeviceRoutes(router: Router<Handler>): void {
  const emptyList =
    (root: string) =>
    async (ctx: RestContext): Promise<Reply> => {
      await ctx.call('GetVmById', { id: param(ctx, 'id') });
      return ok(root, {});
    };
  const noMember = async (ctx: RestContext): Promise<Reply> => {
    await ctx.call('GetVmById', { id: param(ctx, 'id') });
    return { status: 404, doc: null };
  };
  router
    .add('GET', '/vms/:id/numanodes', emptyList('vm_numa_nodes'))
    .add('GET', '/vms/:id/numanodes/:nid', noMember);
}
