// SPDX-License-Identifier: Apache-2.0
/**
 * Labs ⇄ documents (issue 15, AIO extension `/labs`): written like oVirt's entities — href,
 * id, name, description, creation_time, sub-collection and action links, and references to
 * the lab's networks and VMs (`<networks><network href id/></networks>`).
 */
import type { Lab } from '../../../contract/labs';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { type InputObject, str } from '../input';
import { actionLinks, refTo, subLinks } from './links';

export function labDoc(base: string, l: Lab): DocObject {
  const href = `${base}/labs/${l.id}`;
  return {
    href,
    id: l.id,
    name: l.name,
    description: l.description || undefined,
    actions: actionLinks(href, ['start', 'stop']),
    link: subLinks(href, ['networks', 'vms']),
    creation_time: new DateTime(new Date(l.creationTime)),
    networks:
      l.networkIds.length === 0
        ? undefined
        : { network: l.networkIds.map((id) => refTo(base, 'networks', id)) },
    vms: l.vmIds.length === 0 ? undefined : { vm: l.vmIds.map((id) => refTo(base, 'vms', id)) },
  };
}

/** `<lab><name>…</name>[<description>…</description>]</lab>` → AddLab. */
export function addLabInput(o: InputObject): { name: string; description?: string } {
  const name = str(o, 'name');
  if (name === undefined) throw incompleteParameters('Lab', ['name'], 'add');
  const description = str(o, 'description');
  return { name, ...(description !== undefined ? { description } : {}) };
}
