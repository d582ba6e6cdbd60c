// SPDX-License-Identifier: Apache-2.0
/**
 * Collections oVirt's clients read on every run but in which this appliance never has
 * anything: answered as oVirt answers for an entity that has none (an empty list), after
 * checking that the parent exists (an unknown parent is oVirt's empty 404). A 404 for the
 * list itself breaks them: Ansible's `ovirt_vm` reads `/vms/{id}/numanodes` after every
 * create or update, `ovirt_vmpool_info` lists `/vmpools`, and the `_info` modules with
 * `fetch_nested` follow every link of a template (`nics`, `cdroms`).
 *
 * - virtual NUMA nodes: a lab VM has no NUMA topology;
 * - VM pools: there are none (no pool operations);
 * - template NICs and CD-ROMs: templates here carry disks only (VMs get their NICs and
 *   cloud-init media themselves).
 *
 * @see ovirt-engine-api-model services/VmNumaNodesService.java, VmPoolsService.java,
 *      TemplateNicsService.java, TemplateCdromsService.java
 */
import { type Handler, ok, param, type Reply, type RestContext } from '../rest';
import type { Router } from '../router';

/** Registers the lists that are always empty here. */
export function registerEmptyListRoutes(router: Router<Handler>): void {
  const vmExists = async (ctx: RestContext): Promise<void> => {
    await ctx.call('GetVmById', { id: param(ctx, 'id') });
  };
  const templateExists = async (ctx: RestContext): Promise<void> => {
    await ctx.call('GetTemplateById', { id: param(ctx, 'id') });
  };
  const noParent = async (): Promise<void> => {};
  const list =
    (root: string, parent: (ctx: RestContext) => Promise<void>) =>
    async (ctx: RestContext): Promise<Reply> => {
      await parent(ctx);
      return ok(root, {});
    };
  const member =
    (parent: (ctx: RestContext) => Promise<void>) =>
    async (ctx: RestContext): Promise<Reply> => {
      await parent(ctx);
      return { status: 404, doc: null };
    };
  router
    .add('GET', '/vms/:id/numanodes', list('vm_numa_nodes', vmExists))
    .add('GET', '/vms/:id/numanodes/:nid', member(vmExists))
    .add('GET', '/vmpools', list('vm_pools', noParent))
    .add('GET', '/vmpools/:id', member(noParent))
    .add('GET', '/templates/:id/nics', list('nics', templateExists))
    .add('GET', '/templates/:id/nics/:nid', member(templateExists))
    .add('GET', '/templates/:id/cdroms', list('cdroms', templateExists))
    .add('GET', '/templates/:id/cdroms/:cid', member(templateExists));
}
