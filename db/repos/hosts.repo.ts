// SPDX-License-Identifier: Apache-2.0
/** Hosts, their NICs and their network labels. */
import { and, eq, isNull } from 'drizzle-orm';

import type { Host, HostNetworkLabel, HostNic } from '../../main/contract/hosts';
import type { Conn } from '../client';
import { host, hostNetworkLabel, hostNic, networkAttachments } from '../schema';
import { defined, json, type Patch } from './rows';

type HostRow = typeof host.$inferSelect;
type NicRow = typeof hostNic.$inferSelect;
export type HostPatch = Patch<Omit<typeof host.$inferInsert, 'id'>>;

const toHost = (r: HostRow): Host => ({
  id: r.id,
  name: r.name,
  address: r.address,
  clusterId: r.clusterId,
  status: r.status,
  statusDetail: r.statusDetail,
  memoryBytes: r.memoryBytes,
  cpus: r.cpus,
  cpuModel: r.cpuModel,
  osName: r.osName,
  libvirtVersion: r.libvirtVersion,
  accelerator: r.accelerator,
  maxMtu: r.maxMtu,
  networkOperationInProgress: r.networkOperationInProgress,
});

const toNic = (r: NicRow, bridged: boolean): HostNic => ({
  id: r.id,
  hostId: r.hostId,
  name: r.name,
  mac: r.mac,
  mtu: r.mtu,
  maxMtu: r.maxMtu,
  speedMbps: r.speedMbps,
  status: r.linkUp ? 'up' : 'down',
  bridged,
  ipv4: json<string[]>(r.ipv4) ?? [],
});

const bridgedNicIds = (c: Conn, hostId: string): Set<string> =>
  new Set(
    c
      .select({ nicId: networkAttachments.nicId })
      .from(networkAttachments)
      .where(eq(networkAttachments.hostId, hostId))
      .all()
      .flatMap((r) => (r.nicId === null ? [] : [r.nicId])),
  );

export const hostsRepo = {
  list: (c: Conn): Host[] => c.select().from(host).all().map(toHost),
  listByCluster: (c: Conn, clusterId: string): Host[] =>
    c.select().from(host).where(eq(host.clusterId, clusterId)).all().map(toHost),
  findById: (c: Conn, id: string): Host | null => {
    const r = c.select().from(host).where(eq(host.id, id)).get();
    return r ? toHost(r) : null;
  },
  insert: (c: Conn, row: typeof host.$inferInsert): void => {
    c.insert(host).values(row).run();
  },
  update: (c: Conn, id: string, patch: HostPatch): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0) c.update(host).set(set).where(eq(host.id, id)).run();
  },
};

export const hostNicsRepo = {
  listByHost: (c: Conn, hostId: string): HostNic[] => {
    const bridged = bridgedNicIds(c, hostId);
    return c
      .select()
      .from(hostNic)
      .where(eq(hostNic.hostId, hostId))
      .all()
      .map((r) => toNic(r, bridged.has(r.id)));
  },
  findById: (c: Conn, hostId: string, id: string): HostNic | null => {
    const r = c
      .select()
      .from(hostNic)
      .where(and(eq(hostNic.hostId, hostId), eq(hostNic.id, id)))
      .get();
    return r ? toNic(r, bridgedNicIds(c, hostId).has(r.id)) : null;
  },
  findByName: (c: Conn, hostId: string, name: string): HostNic | null => {
    const r = c
      .select()
      .from(hostNic)
      .where(and(eq(hostNic.hostId, hostId), eq(hostNic.name, name)))
      .get();
    return r ? toNic(r, bridgedNicIds(c, hostId).has(r.id)) : null;
  },
  insert: (c: Conn, row: typeof hostNic.$inferInsert): void => {
    c.insert(hostNic).values(row).run();
  },
  update: (c: Conn, id: string, patch: Patch<Omit<typeof hostNic.$inferInsert, 'id'>>): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0) c.update(hostNic).set(set).where(eq(hostNic.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(hostNic).where(eq(hostNic.id, id)).run();
  },
};

const toLabel = (r: typeof hostNetworkLabel.$inferSelect): HostNetworkLabel => ({
  id: r.label,
  hostId: r.hostId,
  nicId: r.nicId,
});

export const hostLabelsRepo = {
  listByHost: (c: Conn, hostId: string): HostNetworkLabel[] =>
    c.select().from(hostNetworkLabel).where(eq(hostNetworkLabel.hostId, hostId)).all().map(toLabel),
  /** Host-level (NIC-less) labels only. */
  listHostLevel: (c: Conn, hostId: string): HostNetworkLabel[] =>
    c
      .select()
      .from(hostNetworkLabel)
      .where(and(eq(hostNetworkLabel.hostId, hostId), isNull(hostNetworkLabel.nicId)))
      .all()
      .map(toLabel),
  find: (c: Conn, hostId: string, label: string): HostNetworkLabel | null => {
    const r = c
      .select()
      .from(hostNetworkLabel)
      .where(and(eq(hostNetworkLabel.hostId, hostId), eq(hostNetworkLabel.label, label)))
      .get();
    return r ? toLabel(r) : null;
  },
  insert: (c: Conn, hostId: string, label: string, nicId: string | null): void => {
    c.insert(hostNetworkLabel).values({ hostId, label, nicId }).run();
  },
  delete: (c: Conn, hostId: string, label: string): void => {
    c.delete(hostNetworkLabel)
      .where(and(eq(hostNetworkLabel.hostId, hostId), eq(hostNetworkLabel.label, label)))
      .run();
  },
};
