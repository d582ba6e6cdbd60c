// SPDX-License-Identifier: Apache-2.0
/**
 * `/hosts` (+ `activate`, `deactivate`, `setupnetworks`, `commitnetconfig`), host NICs with
 * statistics and labels, network attachments (+ the seeds' `statistics`), host-level labels.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §2.5–§2.8, §3.7
 */
import type { HostNetworkLabel } from '../../../contract/hosts';
import { invalidValue } from '../fault';
import { str } from '../input';
import {
  addAttachmentInput,
  hostDoc,
  hostLabelDoc,
  hostNicDoc,
  networkAttachmentDoc,
  setupNetworksInput,
  statisticDoc,
} from '../mappers/host.mapper';
import { refTo } from '../mappers/links';
import { labelIdOf } from '../mappers/network.mapper';
import {
  actionComplete,
  collection,
  collectionOrMember,
  created,
  type Handler,
  ok,
  param,
  type Reply,
  type RestContext,
} from '../rest';
import type { Router } from '../router';
import { applySearch } from '../search';

/** Registers host routes. */
export function registerHostRoutes(router: Router<Handler>): void {
  const nicStats = async (ctx: RestContext): Promise<Reply> => {
    const key = { hostId: param(ctx, 'id'), nicId: param(ctx, 'nid') };
    const stats = await ctx.call('GetHostNicStatistics', key);
    const href = `${ctx.base}/hosts/${key.hostId}/nics/${key.nicId}`;
    const parent = {
      element: 'host_nic',
      ref: {
        ...refTo(ctx.base, `hosts/${key.hostId}/nics`, key.nicId),
        host: refTo(ctx.base, 'hosts', key.hostId),
      },
    };
    return collectionOrMember('statistics', 'statistic', stats, ctx.params.sid, (s) =>
      statisticDoc(href, s, parent),
    );
  };
  const attachmentStats = async (ctx: RestContext): Promise<Reply> => {
    const key = { hostId: param(ctx, 'id'), id: param(ctx, 'aid') };
    const stats = await ctx.call('GetAttachmentStatistics', key);
    const href = `${ctx.base}/hosts/${key.hostId}/networkattachments/${key.id}`;
    const parent = {
      element: 'network_attachment',
      ref: {
        ...refTo(ctx.base, `hosts/${key.hostId}/networkattachments`, key.id),
        host: refTo(ctx.base, 'hosts', key.hostId),
      },
    };
    return collectionOrMember('statistics', 'statistic', stats, ctx.params.sid, (s) =>
      statisticDoc(href, s, parent),
    );
  };
  const labels = (ctx: RestContext, list: readonly HostNetworkLabel[]): Reply =>
    collectionOrMember('network_labels', 'network_label', list, ctx.params.label, (l) =>
      hostLabelDoc(ctx.base, l),
    );
  const nicLabels = async (ctx: RestContext): Promise<Reply> => {
    await ctx.call('GetHostNicById', { hostId: param(ctx, 'id'), nicId: param(ctx, 'nid') });
    const all = await ctx.call('GetHostNetworkLabels', { hostId: param(ctx, 'id') });
    return labels(
      ctx,
      all.filter((l) => l.nicId === param(ctx, 'nid')),
    );
  };
  const hostLabels = async (ctx: RestContext): Promise<Reply> => {
    const all = await ctx.call('GetHostNetworkLabels', { hostId: param(ctx, 'id') });
    return labels(
      ctx,
      all.filter((l) => l.nicId === null),
    );
  };
  const attachments = async (ctx: RestContext): Promise<Reply> => {
    const nicId = ctx.params.nid;
    if (nicId !== undefined) await ctx.call('GetHostNicById', { hostId: param(ctx, 'id'), nicId });
    const list = await ctx.call('GetNetworkAttachmentsByHostId', {
      hostId: param(ctx, 'id'),
      ...(nicId !== undefined ? { nicId } : {}),
    });
    return collection(
      'network_attachments',
      'network_attachment',
      list.map((a) => networkAttachmentDoc(ctx.base, a)),
    );
  };

  router
    .add('GET', '/hosts', async (ctx) => {
      const [hosts, clusters] = await Promise.all([
        ctx.call('GetAllHosts', {}),
        ctx.call('GetAllClusters', {}),
      ]);
      const clusterName = new Map(clusters.map((c) => [c.id, c.name]));
      const hits = applySearch(hosts, ctx.query, {
        name: (h) => h.name,
        id: (h) => h.id,
        status: (h) => h.status,
        cluster: (h) => clusterName.get(h.clusterId),
        address: (h) => h.address,
      });
      return collection(
        'hosts',
        'host',
        hits.map((h) => hostDoc(ctx.base, h)),
      );
    })
    .add('GET', '/hosts/:id', async (ctx) =>
      ok('host', hostDoc(ctx.base, await ctx.call('GetHostById', { id: param(ctx, 'id') }))),
    )
    .add('POST', '/hosts/:id/activate', async (ctx) => {
      await ctx.input('action');
      await ctx.call('GetHostById', { id: param(ctx, 'id') });
      return ctx.action('ActivateHost', { hostId: param(ctx, 'id') });
    })
    .add('POST', '/hosts/:id/deactivate', async (ctx) => {
      const body = await ctx.input('action');
      await ctx.call('GetHostById', { id: param(ctx, 'id') });
      const reason = str(body, 'reason');
      return ctx.action('DeactivateHost', {
        hostId: param(ctx, 'id'),
        ...(reason !== undefined ? { reason } : {}),
      });
    })
    .add('POST', '/hosts/:id/commitnetconfig', async (ctx) => {
      await ctx.input('action');
      await ctx.call('GetHostById', { id: param(ctx, 'id') });
      return ctx.action('CommitNetworkConfig', { hostId: param(ctx, 'id') });
    })
    .add('POST', '/hosts/:id/setupnetworks', async (ctx) => {
      // Unknown host → 404 before anything else (BackendHostResource).
      await ctx.call('GetHostById', { id: param(ctx, 'id') });
      const input = setupNetworksInput(param(ctx, 'id'), await ctx.input('action'));
      // performAction: failures are a bare fault, not a failed action.
      await ctx.call('HostSetupNetworks', input);
      return actionComplete();
    })
    .add('GET', '/hosts/:id/nics', async (ctx) => {
      const nics = await ctx.call('GetHostNicsByHostId', { hostId: param(ctx, 'id') });
      return collection(
        'host_nics',
        'host_nic',
        nics.map((n) => hostNicDoc(ctx.base, n)),
      );
    })
    .add('GET', '/hosts/:id/nics/:nid', async (ctx) => {
      const nic = await ctx.call('GetHostNicById', {
        hostId: param(ctx, 'id'),
        nicId: param(ctx, 'nid'),
      });
      return ok('host_nic', hostNicDoc(ctx.base, nic));
    })
    .add('GET', '/hosts/:id/nics/:nid/statistics', nicStats)
    .add('GET', '/hosts/:id/nics/:nid/statistics/:sid', nicStats)
    .add('GET', '/hosts/:id/nics/:nid/networkattachments', attachments)
    .add('POST', '/hosts/:id/nics/:nid/networkattachments', async (ctx) => {
      const key = { hostId: param(ctx, 'id'), nicId: param(ctx, 'nid') };
      await ctx.call('GetHostNicById', key);
      const body = await ctx.input('network_attachment');
      if (body.id !== undefined) {
        throw invalidValue('Network attachment cannot be created with a specific id.');
      }
      const input = addAttachmentInput(key.hostId, body, key.nicId);
      const att = await ctx.call('AddNetworkAttachment', input);
      return created('network_attachment', networkAttachmentDoc(ctx.base, att));
    })
    .add('GET', '/hosts/:id/nics/:nid/networkattachments/:aid', async (ctx) => {
      const att = await ctx.call('GetNetworkAttachmentById', {
        hostId: param(ctx, 'id'),
        id: param(ctx, 'aid'),
      });
      if (att.hostNicId !== param(ctx, 'nid')) return { status: 404, doc: null };
      return ok('network_attachment', networkAttachmentDoc(ctx.base, att));
    })
    .add('GET', '/hosts/:id/nics/:nid/networklabels', nicLabels)
    .add('GET', '/hosts/:id/nics/:nid/networklabels/~label', nicLabels)
    .add('POST', '/hosts/:id/nics/:nid/networklabels', async (ctx) => {
      const key = { hostId: param(ctx, 'id'), nicId: param(ctx, 'nid') };
      await ctx.call('GetHostNicById', key);
      const label = labelIdOf(await ctx.input('network_label'));
      // LabelNic runs HostSetupNetworks internally in oVirt too.
      await ctx.call('HostSetupNetworks', {
        hostId: key.hostId,
        modifiedLabels: [{ id: label, hostNic: { id: key.nicId } }],
      });
      return created(
        'network_label',
        hostLabelDoc(ctx.base, { id: label, hostId: key.hostId, nicId: key.nicId }),
      );
    })
    .add('DELETE', '/hosts/:id/nics/:nid/networklabels/~label', async (ctx) => {
      const key = { hostId: param(ctx, 'id'), nicId: param(ctx, 'nid') };
      await ctx.call('GetHostNicById', key);
      await ctx.call('HostSetupNetworks', {
        hostId: key.hostId,
        removedLabels: [{ id: param(ctx, 'label') }],
      });
      return actionComplete();
    })
    .add('GET', '/hosts/:id/networkattachments', attachments)
    .add('POST', '/hosts/:id/networkattachments', async (ctx) => {
      await ctx.call('GetHostById', { id: param(ctx, 'id') });
      const body = await ctx.input('network_attachment');
      if (body.id !== undefined) {
        // NETWORK_ATTACHMENT_CANNOT_BE_CREATED_WITH_SPECIFIC_ID
        throw invalidValue('Network attachment cannot be created with a specific id.');
      }
      const att = await ctx.call(
        'AddNetworkAttachment',
        addAttachmentInput(param(ctx, 'id'), body),
      );
      return created('network_attachment', networkAttachmentDoc(ctx.base, att));
    })
    .add('GET', '/hosts/:id/networkattachments/:aid', async (ctx) => {
      const att = await ctx.call('GetNetworkAttachmentById', {
        hostId: param(ctx, 'id'),
        id: param(ctx, 'aid'),
      });
      return ok('network_attachment', networkAttachmentDoc(ctx.base, att));
    })
    .add('DELETE', '/hosts/:id/networkattachments/:aid', async (ctx) => {
      await ctx.call('RemoveNetworkAttachment', {
        hostId: param(ctx, 'id'),
        id: param(ctx, 'aid'),
      });
      return actionComplete();
    })
    .add('GET', '/hosts/:id/networkattachments/:aid/statistics', attachmentStats)
    .add('GET', '/hosts/:id/networkattachments/:aid/statistics/:sid', attachmentStats)
    .add('GET', '/hosts/:id/networklabels', hostLabels)
    .add('GET', '/hosts/:id/networklabels/~label', hostLabels)
    .add('POST', '/hosts/:id/networklabels', async (ctx) => {
      await ctx.call('GetHostById', { id: param(ctx, 'id') });
      const label = labelIdOf(await ctx.input('network_label'));
      const result = await ctx.call('AddHostNetworkLabel', { hostId: param(ctx, 'id'), label });
      return created('network_label', hostLabelDoc(ctx.base, result));
    })
    .add('DELETE', '/hosts/:id/networklabels/~label', async (ctx) => {
      await ctx.call('RemoveHostNetworkLabel', {
        hostId: param(ctx, 'id'),
        label: param(ctx, 'label'),
      });
      return actionComplete();
    });
}
