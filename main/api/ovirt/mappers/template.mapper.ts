// SPDX-License-Identifier: Apache-2.0
/**
 * Templates ⇄ oVirt documents (AM `types/Template.java`, `TemplateVersion.java`). `version`
 * is always present (a base template is version 1 and its own base), and the fields that
 * Ansible's `ovirt_template` reads without None checks on re-runs are always filled.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §4, §11
 */
import type { OpInput } from '../../../contract/operations';
import { BLANK_TEMPLATE_ID, type Template } from '../../../contract/templates';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { type InputObject, int, obj, ref, str } from '../input';
import { diskOverridesInput } from './disk.mapper';
import { initializationDoc, initializationInput } from './initialization.mapper';
import { actionLinks, refTo, subLinks } from './links';
import { queryBool } from './params';
import { vcpusOf } from './vm.mapper';

/**
 * `/templates/{id}`. `clusterId`: the template's cluster — oVirt gives every template but
 * Blank one (the source VM's), and Ansible's `ovirt_template` compares it with its `cluster`
 * parameter on every run; this appliance has one cluster, so it is that one.
 */
export function templateDoc(base: string, t: Template, clusterId: string | null): DocObject {
  const href = `${base}/templates/${t.id}`;
  return {
    href,
    id: t.id,
    name: t.name,
    description: t.description || undefined,
    actions: actionLinks(href, []),
    link: subLinks(href, ['cdroms', 'diskattachments', 'nics']),
    bios: { boot_menu: { enabled: false }, type: 'q35_sea_bios' },
    cluster:
      t.id === BLANK_TEMPLATE_ID || clusterId === null
        ? undefined
        : refTo(base, 'clusters', clusterId),
    cpu: { topology: { cores: 1, sockets: t.vcpus, threads: 1 } },
    creation_time: t.creationTime === null ? undefined : new DateTime(new Date(t.creationTime)),
    initialization: initializationDoc(t.initialization),
    io: { threads: 0 },
    memory: t.memoryBytes,
    memory_policy: { ballooning: false, guaranteed: t.memoryBytes, max: t.memoryBytes },
    os: { type: t.boot === 'tiny' ? 'other_linux' : 'other' },
    sso: { methods: {} },
    stateless: false,
    status: t.status,
    type: 'server',
    usb: { enabled: false },
    version: {
      base_template: refTo(base, 'templates', t.version.baseTemplateId),
      version_name: t.version.versionName || undefined,
      version_number: t.version.versionNumber,
    },
    vm: t.sourceVmId === null ? undefined : refTo(base, 'vms', t.sourceVmId),
  };
}

/**
 * `<template>` → AddVmTemplate: `name` and `vm.id|name` mandatory (Ansible sends the VM's
 * name); `vm.disk_attachments` override the copies; `version.base_template` makes a new
 * version of an existing template. `?seal=true` is accepted.
 */
export function addTemplateInput(o: InputObject, query: URLSearchParams): OpInput<'AddVmTemplate'> {
  const name = str(o, 'name');
  const vm = ref(o, 'vm');
  const missing: string[] = [];
  if (name === undefined) missing.push('name');
  if (vm === undefined || (vm.id === undefined && vm.name === undefined))
    missing.push('vm.id|name');
  if (missing.length > 0 || vm === undefined)
    throw incompleteParameters('Template', missing, 'add');
  const vmBody = obj(o, 'vm') ?? {};
  const disks = diskOverridesInput(vmBody);
  const description = str(o, 'description');
  const seal = queryBool(query, 'seal');
  queryBool(query, 'clone_permissions');
  const version = obj(o, 'version');
  let versionInput: NonNullable<OpInput<'AddVmTemplate'>['version']> | undefined;
  if (version !== undefined) {
    const baseTemplate = ref(version, 'base_template');
    const versionName = str(version, 'version_name');
    if (
      baseTemplate !== undefined &&
      (baseTemplate.id !== undefined || baseTemplate.name !== undefined)
    ) {
      versionInput = { baseTemplate, ...(versionName !== undefined ? { versionName } : {}) };
    }
  }
  return {
    name: name ?? '',
    vm,
    ...(description !== undefined ? { description } : {}),
    ...(disks !== undefined ? { disks } : {}),
    ...(seal !== undefined ? { seal } : {}),
    ...(versionInput !== undefined ? { version: versionInput } : {}),
    ...initializationOf(o),
  };
}

/**
 * `<template>` → UpdateVmTemplate. What this appliance keeps of a template: name,
 * description, `version.version_name`, memory and CPU topology. Clients such as Ansible send
 * the whole entity back (`vm`, `cluster`, …): like oVirt, `vm` is not an update, and the rest
 * describes devices every template here has alike.
 */
export function updateTemplateInput(id: string, o: InputObject): OpInput<'UpdateVmTemplate'> {
  const name = str(o, 'name');
  const description = str(o, 'description');
  const version = obj(o, 'version');
  const versionName = version === undefined ? undefined : str(version, 'version_name');
  const memoryBytes = int(o, 'memory');
  const vcpus = vcpusOf(o);
  return {
    id,
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(versionName !== undefined ? { versionName } : {}),
    ...(memoryBytes !== undefined ? { memoryBytes } : {}),
    ...(vcpus !== undefined ? { vcpus } : {}),
  };
}

/** The template's own `initialization`, when given (else it copies the VM's). */
function initializationOf(o: InputObject): Pick<OpInput<'AddVmTemplate'>, 'initialization'> {
  const initialization = initializationInput(o);
  return initialization === undefined ? {} : { initialization };
}
