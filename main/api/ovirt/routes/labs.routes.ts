// SPDX-License-Identifier: Apache-2.0
/**
 * `/labs[/{id}]` (issue 15, AIO extension in oVirt's style): list (search `name=`), add,
 * show, update the description, remove (an empty lab), and the members:
 * `/labs/{id}/networks`, `/labs/{id}/vms` list the full entities; POST `<network id="…"/>`
 * (or `<name>`) tags one with the lab, DELETE `/labs/{id}/networks/{nid}` untags it (the
 * network stays). Rules and faults come from the engine (AttachToLab, …).
 */
import type { Network } from '../../../contract/networks';
import type { Vm } from '../../../contract/vms';
import { incompleteParameters, invalidValue } from '../fault';
import { ref, str } from '../input';
import {
  addLabInput,
  labDoc,
  labStartDoc,
  startLabInput,
  startOrderInput,
} from '../mappers/lab.mapper';
import { networkDoc } from '../mappers/network.mapper';
import { vmDoc } from '../mappers/vm.mapper';
import {
  actionComplete,
  collection,
  created,
  type Handler,
  ok,
  param,
  type Reply,
  type RestContext,
} from '../rest';
import type { Router } from '../router';
import { applySearch } from '../search';

/** The id of `<network id>`/`<vm id>` or the one entity with that `<name>`. */
async function memberId(
  ctx: RestContext,
  root: 'network' | 'vm',
  list: () => Promise<readonly (Network | Vm)[]>,
): Promise<string> {
  const r = ref({ [root]: await ctx.input(root) }, root);
  if (r?.id !== undefined) return r.id;
  if (r?.name === undefined)
    throw incompleteParameters(root === 'vm' ? 'VM' : 'Network', ['id|name'], 'add');
  const hits = (await list()).filter((e) => e.name === r.name);
  if (hits.length !== 1 || hits[0] === undefined) {
    throw invalidValue(
      hits.length === 0
        ? `no ${root} named ${r.name}`
        : `${hits.length} ${root}s are named ${r.name}: give the id`,
    );
  }
  return hits[0].id;
}

async function labNetworks(ctx: RestContext): Promise<Reply> {
  const lab = await ctx.call('GetLabById', { id: param(ctx, 'id') });
  const nets = (await ctx.call('GetAllNetworks', {})).filter((n) => lab.networkIds.includes(n.id));
  return collection(
    'networks',
    'network',
    nets.map((n) => networkDoc(ctx.base, n)),
  );
}

async function labVms(ctx: RestContext): Promise<Reply> {
  const lab = await ctx.call('GetLabById', { id: param(ctx, 'id') });
  const vms = (await ctx.call('GetAllVms', {})).filter((v) => lab.vmIds.includes(v.id));
  return collection(
    'vms',
    'vm',
    vms.map((v) => vmDoc(ctx.base, v)),
  );
}

/** Registers the lab routes. */
export function registerLabRoutes(router: Router<Handler>): void {
  router
    // `aio doctor A B`: `GET /doctor?vm=<id>&peer=<id>` (AIO extension).
    .add('GET', '/doctor', async (ctx) => {
      const vmId = ctx.query.get('vm');
      const peerId = ctx.query.get('peer');
      if (vmId === null || peerId === null)
        throw incompleteParameters(
          'Doctor',
          ['vm', 'peer'].filter((k) => ctx.query.get(k) === null),
          'get',
        );
      // `probe=true`: A pings B from inside the guest; the answer decides, shown as evidence.
      const probeParam = ctx.query.get('probe');
      if (probeParam !== null && probeParam !== 'true' && probeParam !== 'false')
        throw invalidValue(`probe: "${probeParam}" is not a boolean (true or false)`);
      const d = await ctx.call('DiagnoseConnectivity', {
        vmId,
        peerId,
        ...(probeParam === null ? {} : { probe: probeParam === 'true' }),
      });
      return ok('diagnosis', {
        vm: { href: `${ctx.base}/vms/${d.vmId}`, id: d.vmId },
        peer: { href: `${ctx.base}/vms/${d.peerId}`, id: d.peerId },
        reachable: d.reachable,
        shared_networks:
          d.sharedNetworks.length === 0
            ? undefined
            : { network: d.sharedNetworks.map((name) => ({ name })) },
        causes:
          d.causes.length === 0
            ? undefined
            : {
                cause: d.causes.map((x) => ({
                  code: x.code,
                  network: x.network ?? undefined,
                  detail: x.detail,
                })),
              },
        probe:
          d.probe === undefined || d.probe === null
            ? undefined
            : {
                network: d.probe.network ?? undefined,
                address: d.probe.address ?? undefined,
                command: d.probe.command,
                reached: d.probe.reached ?? undefined,
                evidence: d.probe.evidence,
              },
      });
    })
    .add('GET', '/labs', async (ctx) => {
      const hits = applySearch(await ctx.call('GetAllLabs', {}), ctx.query, {
        name: (l) => l.name,
        id: (l) => l.id,
        description: (l) => l.description,
      });
      return collection(
        'labs',
        'lab',
        hits.map((l) => labDoc(ctx.base, l)),
      );
    })
    .add('POST', '/labs', async (ctx) => {
      const lab = await ctx.call('AddLab', addLabInput(await ctx.input('lab')));
      return created('lab', labDoc(ctx.base, lab));
    })
    .add('GET', '/labs/:id', async (ctx) =>
      ok('lab', labDoc(ctx.base, await ctx.call('GetLabById', { id: param(ctx, 'id') }))),
    )
    .add('PUT', '/labs/:id', async (ctx) => {
      const body = await ctx.input('lab');
      const description = str(body, 'description');
      const startOrder = startOrderInput(body);
      const lab = await ctx.call('UpdateLab', {
        id: param(ctx, 'id'),
        ...(description !== undefined ? { description } : {}),
        ...(startOrder !== undefined ? { startOrder } : {}),
      });
      return ok('lab', labDoc(ctx.base, lab));
    })
    .add('DELETE', '/labs/:id', async (ctx) => {
      await ctx.call('RemoveLab', { id: param(ctx, 'id') });
      return actionComplete();
    })
    .add('GET', '/labs/:id/networks', labNetworks)
    .add('POST', '/labs/:id/networks', async (ctx) => {
      const networkId = await memberId(ctx, 'network', () => ctx.call('GetAllNetworks', {}));
      await ctx.call('AttachToLab', { labId: param(ctx, 'id'), networkId });
      return created(
        'network',
        networkDoc(ctx.base, await ctx.call('GetNetworkById', { id: networkId })),
      );
    })
    .add('DELETE', '/labs/:id/networks/:nid', async (ctx) => {
      await ctx.call('DetachFromLab', { labId: param(ctx, 'id'), networkId: param(ctx, 'nid') });
      return actionComplete();
    })
    .add('GET', '/labs/:id/vms', labVms)
    .add('POST', '/labs/:id/vms', async (ctx) => {
      const vmId = await memberId(ctx, 'vm', () => ctx.call('GetAllVms', {}));
      await ctx.call('AttachToLab', { labId: param(ctx, 'id'), vmId });
      return created('vm', vmDoc(ctx.base, await ctx.call('GetVmById', { id: vmId })));
    })
    // Start in waves: answers at once with the job; GET …/start shows how it goes.
    .add('POST', '/labs/:id/start', async (ctx) => {
      const job = await ctx.call(
        'StartLab',
        startLabInput(param(ctx, 'id'), await ctx.input('action')),
      );
      return ok('action', { status: 'complete', lab_start: labStartDoc(ctx.base, job) });
    })
    .add('GET', '/labs/:id/start', async (ctx) =>
      ok(
        'lab_start',
        labStartDoc(ctx.base, await ctx.call('GetLabStartJob', { id: param(ctx, 'id') })),
      ),
    )
    .add('POST', '/labs/:id/stop', async (ctx) => {
      await ctx.input('action');
      const r = await ctx.call('StopLab', { id: param(ctx, 'id') });
      return ok('action', {
        status: r.failed.length === 0 ? 'complete' : 'failed',
        vms: r.stopped.length === 0 ? undefined : { vm: r.stopped.map((name) => ({ name })) },
        fault:
          r.failed.length === 0
            ? undefined
            : {
                reason: 'Operation Failed',
                detail: r.failed.map((f) => `${f.name}: ${f.detail}`).join('; '),
              },
      });
    })
    .add('DELETE', '/labs/:id/vms/:vid', async (ctx) => {
      await ctx.call('DetachFromLab', { labId: param(ctx, 'id'), vmId: param(ctx, 'vid') });
      return actionComplete();
    });
}
