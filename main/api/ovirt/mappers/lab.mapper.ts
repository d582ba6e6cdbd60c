// SPDX-License-Identifier: Apache-2.0
/**
 * Labs ⇄ documents (issue 15, AIO extension `/labs`): written like oVirt's entities — href,
 * id, name, description, creation_time, sub-collection and action links, and references to
 * the lab's networks and VMs (`<networks><network href id/></networks>`).
 */
import type { Lab, LabStartJob } from '../../../contract/labs';
import type { OpInput } from '../../../contract/operations';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, type InputObject, int, objList, str } from '../input';
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
    // Issue 15: the stored start order ("Start all" uses it), in StartLab's own shape.
    start_order:
      l.startOrder === undefined || l.startOrder.length === 0
        ? undefined
        : {
            vm: l.startOrder.map((o) => ({
              ...refTo(base, 'vms', o.vmId),
              group: o.group,
              delay: o.delaySeconds,
              depends_on:
                o.dependsOn.length === 0
                  ? undefined
                  : { vm: o.dependsOn.map((d) => refTo(base, 'vms', d)) },
            })),
          },
  };
}

/** `<lab><name>…</name>[<description>…</description>]</lab>` → AddLab. */
export function addLabInput(o: InputObject): { name: string; description?: string } {
  const name = str(o, 'name');
  if (name === undefined) throw incompleteParameters('Lab', ['name'], 'add');
  const description = str(o, 'description');
  return { name, ...(description !== undefined ? { description } : {}) };
}

/** A lab start in waves: `<lab_start>` with one `<vm>` per VM and its state and times. */
export function labStartDoc(base: string, j: LabStartJob): DocObject {
  const time = (iso: string | null): DateTime | undefined =>
    iso === null ? undefined : new DateTime(new Date(iso));
  return {
    lab: refTo(base, 'labs', j.labId),
    status: j.status,
    parallelism: j.parallelism,
    memory_budget: j.memoryBudgetBytes,
    stop_on_failure: j.stopOnFailure,
    start_time: time(j.startedAt),
    end_time: time(j.finishedAt),
    vms:
      j.vms.length === 0
        ? undefined
        : {
            vm: j.vms.map((v) => ({
              ...refTo(base, 'vms', v.vmId),
              name: v.name,
              group: v.group,
              state: v.state,
              start_time: time(v.startedAt),
              end_time: time(v.doneAt),
              detail: v.detail ?? undefined,
            })),
          },
  };
}

/**
 * `<action>` → StartLab: `parallelism`, `stop_on_failure`, `boot_timeout` (seconds) and a
 * `start_order` of `<vm id><group/><delay/><depends_on><vm id/></depends_on></vm>`.
 */
/** `<start_order><vm id><group/><delay/><depends_on><vm id/></depends_on></vm></start_order>`. */
export function startOrderInput(
  o: InputObject,
): NonNullable<OpInput<'StartLab'>['order']> | undefined {
  return objList(o, 'start_order', 'vm')?.map((v) => {
    const group = int(v, 'group');
    const delaySeconds = int(v, 'delay');
    const dependsOn = objList(v, 'depends_on', 'vm')?.map((d) => str(d, 'id') ?? '');
    return {
      vmId: str(v, 'id') ?? '',
      ...(group !== undefined ? { group } : {}),
      ...(delaySeconds !== undefined ? { delaySeconds } : {}),
      ...(dependsOn !== undefined ? { dependsOn } : {}),
    };
  });
}

export function startLabInput(id: string, o: InputObject): OpInput<'StartLab'> {
  const parallelism = int(o, 'parallelism');
  const stopOnFailure = bool(o, 'stop_on_failure');
  const bootTimeoutSeconds = int(o, 'boot_timeout');
  const order = startOrderInput(o);
  return {
    id,
    ...(parallelism !== undefined ? { parallelism } : {}),
    ...(stopOnFailure !== undefined ? { stopOnFailure } : {}),
    ...(bootTimeoutSeconds !== undefined ? { bootTimeoutSeconds } : {}),
    ...(order !== undefined ? { order } : {}),
  };
}
