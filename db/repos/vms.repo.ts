// SPDX-License-Identifier: Apache-2.0
/** VMs, their NICs, and templates. */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';

import { parseBootDevices } from '../../main/contract/cdroms';
import type { Template } from '../../main/contract/templates';
import {
  HIDDEN_PASSWORD,
  type Initialization,
  type Vm,
  type VmNic,
  type VmStatus,
} from '../../main/contract/vms';
import type { Conn } from '../client';
import { vm, vmInterface, vmTemplate, vnicProfile } from '../schema';
import { defined, json, type Patch } from './rows';

type VmRow = typeof vm.$inferSelect;

/**
 * An initialization as reads show it: the stored password (a column of its own) only as
 * oVirt's mask, so no read, event or log built from an entity can carry it.
 */
function initializationView(text: string | null, password: string | null): Initialization | null {
  const init = json<Initialization>(text);
  if (init === null) return null;
  const rest = { ...init };
  delete rest.rootPassword;
  return password === null ? rest : { ...rest, rootPassword: HIDDEN_PASSWORD };
}

/** An initialization with its stored password (engine-internal: the seed needs it). */
function initializationFull(text: string | null, password: string | null): Initialization | null {
  const init = json<Initialization>(text);
  if (init === null) return null;
  const rest = { ...init };
  delete rest.rootPassword;
  return password === null ? rest : { ...rest, rootPassword: password };
}

/** Columns for storing an initialization: the password apart from the JSON. */
export function initializationColumns(init: Initialization | null): {
  initialization: string | null;
  initRootPassword: string | null;
} {
  if (init === null) return { initialization: null, initRootPassword: null };
  const { rootPassword, ...rest } = init;
  return {
    initialization: JSON.stringify(rest),
    initRootPassword: rootPassword === undefined || rootPassword === '' ? null : rootPassword,
  };
}
export type VmPatch = Patch<Omit<typeof vm.$inferInsert, 'id'>>;

const toVm = (r: VmRow): Vm => ({
  id: r.id,
  name: r.name,
  description: r.description,
  clusterId: r.clusterId,
  templateId: r.templateId,
  memoryBytes: r.memoryBytes,
  vcpus: r.vcpus,
  status: r.status,
  hostId: r.hostId,
  boot:
    r.bootKind === 'disk' && r.diskPath !== null
      ? { kind: 'disk', diskPath: r.diskPath }
      : r.bootKind === 'tiny'
        ? { kind: 'tiny' }
        : r.bootKind === 'disks'
          ? { kind: 'disks' }
          : { kind: 'none' },
  initialization: initializationView(r.initialization, r.initRootPassword),
  startTime: r.startTime,
  stopTime: r.stopTime,
  stopReason: r.stopReason,
  creationTime: r.createdAt,
  bootDevices: parseBootDevices(r.bootDevices),
  placementPolicy: {
    affinity: r.placementAffinity ?? 'migratable',
    hostIds: r.placementHosts ? r.placementHosts.split(',') : [],
  },
});

const toNic = (r: typeof vmInterface.$inferSelect): VmNic => ({
  id: r.id,
  vmId: r.vmId,
  name: r.name,
  interface: r.interface,
  mac: r.mac,
  vnicProfileId: r.vnicProfileId,
  linked: r.linked,
  plugged: r.plugged,
});

/** States in which a VM holds host resources (taps on bridges). */
export const ACTIVE_VM_STATUSES: readonly VmStatus[] = [
  'wait_for_launch',
  'powering_up',
  'up',
  'paused',
  'powering_down',
  'unknown',
];

export const vmsRepo = {
  list: (c: Conn): Vm[] => c.select().from(vm).all().map(toVm),
  findById: (c: Conn, id: string): Vm | null => {
    const r = c.select().from(vm).where(eq(vm.id, id)).get();
    return r ? toVm(r) : null;
  },
  findByName: (c: Conn, name: string): Vm | null => {
    const r = c.select().from(vm).where(eq(vm.name, name)).get();
    return r ? toVm(r) : null;
  },
  listActive: (c: Conn): Vm[] =>
    c
      .select()
      .from(vm)
      .where(inArray(vm.status, [...ACTIVE_VM_STATUSES]))
      .all()
      .map(toVm),
  /** VMs with a vNIC on any profile of the network (any status). */
  listUsingNetwork: (c: Conn, networkId: string): Vm[] => {
    const ids = new Set(
      c
        .select({ vmId: vmInterface.vmId })
        .from(vmInterface)
        .innerJoin(vnicProfile, eq(vnicProfile.id, vmInterface.vnicProfileId))
        .where(eq(vnicProfile.networkId, networkId))
        .all()
        .map((r) => r.vmId),
    );
    return ids.size === 0
      ? []
      : c
          .select()
          .from(vm)
          .where(inArray(vm.id, [...ids]))
          .all()
          .map(toVm);
  },
  listUsingProfile: (c: Conn, profileId: string): Vm[] =>
    c
      .select({ v: vm })
      .from(vm)
      .innerJoin(vmInterface, eq(vmInterface.vmId, vm.id))
      .where(eq(vmInterface.vnicProfileId, profileId))
      .all()
      .map((r) => toVm(r.v)),
  insert: (c: Conn, row: typeof vm.$inferInsert): void => {
    c.insert(vm).values(row).run();
  },
  update: (c: Conn, id: string, patch: VmPatch): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0) c.update(vm).set(set).where(eq(vm.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(vm).where(eq(vm.id, id)).run();
  },
  listByTemplate: (c: Conn, templateId: string): Vm[] =>
    c.select().from(vm).where(eq(vm.templateId, templateId)).all().map(toVm),
  /** The stored initialization WITH its password (engine-internal; never for reads). */
  findInitialization: (c: Conn, id: string): Initialization | null => {
    const r = c
      .select({ text: vm.initialization, password: vm.initRootPassword })
      .from(vm)
      .where(eq(vm.id, id))
      .get();
    return r ? initializationFull(r.text, r.password) : null;
  },
};

export const vmNicsRepo = {
  listByVm: (c: Conn, vmId: string): VmNic[] =>
    c.select().from(vmInterface).where(eq(vmInterface.vmId, vmId)).all().map(toNic),
  findById: (c: Conn, vmId: string, id: string): VmNic | null => {
    const r = c
      .select()
      .from(vmInterface)
      .where(and(eq(vmInterface.vmId, vmId), eq(vmInterface.id, id)))
      .get();
    return r ? toNic(r) : null;
  },
  findByMac: (c: Conn, mac: string): VmNic | null => {
    const r = c.select().from(vmInterface).where(eq(vmInterface.mac, mac)).get();
    return r ? toNic(r) : null;
  },
  allMacs: (c: Conn): string[] =>
    c
      .select({ mac: vmInterface.mac })
      .from(vmInterface)
      .where(isNotNull(vmInterface.mac))
      .all()
      .map((r) => r.mac),
  insert: (c: Conn, row: typeof vmInterface.$inferInsert): void => {
    c.insert(vmInterface).values(row).run();
  },
  update: (
    c: Conn,
    id: string,
    patch: Patch<Omit<typeof vmInterface.$inferInsert, 'id' | 'vmId'>>,
  ): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0)
      c.update(vmInterface).set(set).where(eq(vmInterface.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(vmInterface).where(eq(vmInterface.id, id)).run();
  },
};

const toTemplate = (r: typeof vmTemplate.$inferSelect): Template => ({
  id: r.id,
  name: r.name,
  description: r.description,
  memoryBytes: r.memoryBytes,
  vcpus: r.vcpus,
  boot: r.boot,
  status: r.status,
  version: {
    versionNumber: r.versionNumber,
    versionName: r.versionName,
    baseTemplateId: r.baseTemplateId ?? r.id,
  },
  sourceVmId: r.sourceVmId,
  creationTime: r.createdAt,
  initialization: initializationView(r.initialization, r.initRootPassword),
});

export const templatesRepo = {
  list: (c: Conn): Template[] => c.select().from(vmTemplate).all().map(toTemplate),
  findById: (c: Conn, id: string): Template | null => {
    const r = c.select().from(vmTemplate).where(eq(vmTemplate.id, id)).get();
    return r ? toTemplate(r) : null;
  },
  findByName: (c: Conn, name: string): Template | null => {
    const r = c.select().from(vmTemplate).where(eq(vmTemplate.name, name)).get();
    return r ? toTemplate(r) : null;
  },
  /** Insert unless the id exists (seeds); a base template is its own base. */
  insert: (c: Conn, row: typeof vmTemplate.$inferInsert): void => {
    c.insert(vmTemplate)
      .values({
        ...row,
        baseTemplateId: row.baseTemplateId ?? row.id,
        createdAt: row.createdAt ?? new Date().toISOString(),
      })
      .onConflictDoNothing()
      .run();
  },
  update: (c: Conn, id: string, patch: Patch<Omit<typeof vmTemplate.$inferInsert, 'id'>>): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0)
      c.update(vmTemplate).set(set).where(eq(vmTemplate.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(vmTemplate).where(eq(vmTemplate.id, id)).run();
  },
  /** The stored initialization WITH its password (engine-internal; never for reads). */
  findInitialization: (c: Conn, id: string): Initialization | null => {
    const r = c
      .select({ text: vmTemplate.initialization, password: vmTemplate.initRootPassword })
      .from(vmTemplate)
      .where(eq(vmTemplate.id, id))
      .get();
    return r ? initializationFull(r.text, r.password) : null;
  },
  findBundled: (c: Conn, name: string): { id: string; hash: string | null } | null => {
    const r = c
      .select({ id: vmTemplate.id, hash: vmTemplate.bundledHash })
      .from(vmTemplate)
      .where(eq(vmTemplate.name, name))
      .get();
    return r ?? null;
  },
};
