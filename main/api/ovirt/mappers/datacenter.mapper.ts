// SPDX-License-Identifier: Apache-2.0
/** Data centers, clusters and templates ⇄ oVirt documents. */
import type { Cluster } from '../../../contract/clusters';
import type { DataCenter } from '../../../contract/data-centers';
import type { Template } from '../../../contract/templates';
import type { DocObject } from '../doc';
import { actionLinks, refTo, subLinks } from './links';

/** `/datacenters/{id}` (AM `types/DataCenter.java`). */
export function dataCenterDoc(base: string, dc: DataCenter): DocObject {
  const href = `${base}/datacenters/${dc.id}`;
  return {
    href,
    id: dc.id,
    name: dc.name,
    description: dc.description || undefined,
    link: subLinks(href, ['clusters', 'networks', 'permissions', 'quotas', 'storagedomains']),
    local: dc.local,
    quota_mode: 'disabled',
    status: dc.status,
    storage_format: 'v5',
    supported_versions: { version: [{ major: dc.version.major, minor: dc.version.minor }] },
    version: { major: dc.version.major, minor: dc.version.minor },
  };
}

/** `/clusters/{id}` (AM `types/Cluster.java`). */
export function clusterDoc(base: string, c: Cluster): DocObject {
  const href = `${base}/clusters/${c.id}`;
  return {
    href,
    id: c.id,
    name: c.name,
    description: c.description || undefined,
    link: subLinks(href, ['networks', 'permissions']),
    cpu: { architecture: c.cpuArchitecture, type: 'qemu64' },
    data_center: refTo(base, 'datacenters', c.dataCenterId),
    switch_type: c.switchType,
    version: { major: c.version.major, minor: c.version.minor },
  };
}

/** `/templates/{id}` (AM `types/Template.java`). */
export function templateDoc(base: string, t: Template): DocObject {
  const href = `${base}/templates/${t.id}`;
  return {
    href,
    id: t.id,
    name: t.name,
    description: t.description || undefined,
    actions: actionLinks(href, []),
    link: subLinks(href, ['nics', 'permissions']),
    cpu: { topology: { cores: 1, sockets: t.vcpus, threads: 1 } },
    memory: t.memoryBytes,
    os: { type: t.boot === 'tiny' ? 'other_linux' : 'other' },
    status: 'ok',
    type: 'server',
  };
}
