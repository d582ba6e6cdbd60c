// SPDX-License-Identifier: Apache-2.0
/**
 * The API root: links to every collection (plus `…/search` links for searchable ones,
 * which libgovirt looks for), `product_info` (Ansible reads `version.major/minor`),
 * `special_objects`, `summary`, `time`. GET and HEAD; the Link header is added by rest.ts.
 *
 * @see ../../../../../shared/reference/ovirt-api.md §1.6
 */
import { BLANK_TEMPLATE_ID } from '../../../contract/templates';
import { DateTime, type Link } from '../doc';
import { type Handler, ok } from '../rest';
import type { Router } from '../router';

/** Product version reported to clients: an oVirt 4.5 engine. */
export const PRODUCT_VERSION = { major: 4, minor: 5, build: 0, revision: 0 } as const;

const COLLECTIONS = [
  'clusters',
  'datacenters',
  'diskprofiles',
  'disks',
  'events',
  'hosts',
  'imagetransfers',
  'networks',
  'storagedomains',
  'templates',
  'vms',
  'vnicprofiles',
] as const;
const SEARCHABLE = new Set([
  'clusters',
  'datacenters',
  'disks',
  'events',
  'hosts',
  'networks',
  'storagedomains',
  'templates',
  'vms',
]);

/** All root links, sorted by rel. */
export function rootLinks(base: string): Link[] {
  const links: Link[] = [];
  for (const c of COLLECTIONS) {
    links.push({ href: `${base}/${c}`, rel: c });
    if (SEARCHABLE.has(c)) links.push({ href: `${base}/${c}?search={query}`, rel: `${c}/search` });
  }
  return links.sort((a, b) => a.rel.localeCompare(b.rel));
}

/** The `Link` header: comma-joined `<absolute-url>; rel=<rel>`, sorted. */
export function rootLinkHeader(base: string, origin: string): string {
  return rootLinks(base)
    .map((l) => `<${origin}${l.href}>; rel=${l.rel}`)
    .join(',');
}

/** Registers `GET/HEAD /`. `instanceId` is stable per data dir. */
export function registerRootRoutes(router: Router<Handler>, instanceId: string): void {
  router.add('GET', '/', async (ctx) => {
    const [vms, hosts, domains] = await Promise.all([
      ctx.call('GetAllVms', {}),
      ctx.call('GetAllHosts', {}),
      ctx.call('GetAllStorageDomains', {}),
    ]);
    const v = PRODUCT_VERSION;
    return ok('api', {
      link: rootLinks(ctx.base),
      engine_backup: undefined,
      product_info: {
        instance_id: instanceId,
        name: 'oVirt Engine',
        vendor: 'ovirt.org',
        version: {
          build: v.build,
          full_version: `${v.major}.${v.minor}.${v.build}-aio`,
          major: v.major,
          minor: v.minor,
          revision: v.revision,
        },
      },
      special_objects: {
        blank_template: {
          href: `${ctx.base}/templates/${BLANK_TEMPLATE_ID}`,
          id: BLANK_TEMPLATE_ID,
        },
      },
      summary: ctx.principal.admin
        ? {
            hosts: { active: hosts.filter((h) => h.status === 'up').length, total: hosts.length },
            storage_domains: {
              active: domains.filter((d) => d.status === 'active').length,
              total: domains.length,
            },
            users: { active: 1, total: 1 },
            vms: { active: vms.filter((x) => x.status !== 'down').length, total: vms.length },
          }
        : undefined,
      time: new DateTime(new Date()),
      authenticated_user: {
        href: `${ctx.base}/users/${ctx.principal.userId}`,
        id: ctx.principal.userId,
      },
      effective_user: {
        href: `${ctx.base}/users/${ctx.principal.userId}`,
        id: ctx.principal.userId,
      },
    });
  });
}
