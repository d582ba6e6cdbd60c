// SPDX-License-Identifier: Apache-2.0
/** Data centers and clusters ⇄ oVirt documents (templates: template.mapper.ts). */
import type { Cluster } from '../../../contract/clusters';
import type { DataCenter } from '../../../contract/data-centers';
import type { DocObject } from '../doc';
import { refTo, subLinks } from './links';

/** `/datacenters/{id}` (AM `types/DataCenter.java`). */
export function dataCenterDoc(base: string, dc: DataCenter): DocObject {
  const href = `${base}/datacenters/${dc.id}`;
  return {
    href,
    id: dc.id,
    name: dc.name,
    description: dc.description || undefined,
    link: subLinks(href, ['clusters', 'networks', 'storagedomains']),
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
    link: subLinks(href, ['networks']),
    cpu: { architecture: c.cpuArchitecture, type: 'qemu64' },
    data_center: refTo(base, 'datacenters', c.dataCenterId),
    switch_type: c.switchType,
    version: { major: c.version.major, minor: c.version.minor },
  };
}
