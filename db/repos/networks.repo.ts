// SPDX-License-Identifier: Apache-2.0
/** Networks with their label, cluster relations and vNIC profiles. */
import { and, eq } from 'drizzle-orm';

import type { ClusterRole, NetworkCluster } from '../../main/contract/clusters';
import type { AddressPlan, Network, NetworkLabel, VnicProfile } from '../../main/contract/networks';
import type { Conn } from '../client';
import { network, networkCluster, networkLabel, vnicProfile } from '../schema';
import { defined, json, type Patch } from './rows';

type NetworkRow = typeof network.$inferSelect;
export type NetworkPatch = Patch<Omit<typeof network.$inferInsert, 'id' | 'dataCenterId'>>;

const toNetwork = (r: NetworkRow, label: string | null): Network => ({
  id: r.id,
  name: r.name,
  description: r.description,
  comment: r.comment,
  dataCenterId: r.dataCenterId,
  mtu: r.mtu,
  vlanId: r.vlanId,
  stp: r.stp,
  vmNetwork: r.vmNetwork,
  isolated: r.isIsolated,
  portIsolation: r.portIsolation,
  vdsmName: r.vdsmName,
  label,
  addressPlan: json<AddressPlan>(r.addressPlan),
  externalProviderId: r.externalProviderId ?? null,
});

const labelOf = (c: Conn, networkId: string): string | null =>
  c.select().from(networkLabel).where(eq(networkLabel.networkId, networkId)).get()?.label ?? null;

const one = (c: Conn, r: NetworkRow | undefined): Network | null =>
  r ? toNetwork(r, labelOf(c, r.id)) : null;

export const networksRepo = {
  list: (c: Conn, dataCenterId?: string): Network[] => {
    const labels = new Map(
      c
        .select()
        .from(networkLabel)
        .all()
        .map((l) => [l.networkId, l.label]),
    );
    const q = c.select().from(network);
    const rows =
      dataCenterId === undefined ? q.all() : q.where(eq(network.dataCenterId, dataCenterId)).all();
    return rows.map((r) => toNetwork(r, labels.get(r.id) ?? null));
  },
  findById: (c: Conn, id: string): Network | null =>
    one(c, c.select().from(network).where(eq(network.id, id)).get()),
  findByName: (c: Conn, dataCenterId: string, name: string): Network | null =>
    one(
      c,
      c
        .select()
        .from(network)
        .where(and(eq(network.dataCenterId, dataCenterId), eq(network.name, name)))
        .get(),
    ),
  /** Any data center: names are unique per DC, the caller checks ambiguity. */
  listByName: (c: Conn, name: string): Network[] =>
    c
      .select()
      .from(network)
      .where(eq(network.name, name))
      .all()
      .map((r) => toNetwork(r, labelOf(c, r.id))),
  findByVdsmName: (c: Conn, dataCenterId: string, vdsmName: string): Network | null =>
    one(
      c,
      c
        .select()
        .from(network)
        .where(and(eq(network.dataCenterId, dataCenterId), eq(network.vdsmName, vdsmName)))
        .get(),
    ),
  listByLabel: (c: Conn, label: string): Network[] =>
    c
      .select({ n: network })
      .from(network)
      .innerJoin(networkLabel, eq(networkLabel.networkId, network.id))
      .where(eq(networkLabel.label, label))
      .all()
      .map((r) => toNetwork(r.n, label)),
  insert: (c: Conn, row: typeof network.$inferInsert): void => {
    c.insert(network).values(row).run();
  },
  update: (c: Conn, id: string, patch: NetworkPatch): void => {
    const set = defined(patch);
    if (Object.keys(set).length > 0) c.update(network).set(set).where(eq(network.id, id)).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(network).where(eq(network.id, id)).run();
  },
};

export const networkLabelsRepo = {
  listByNetwork: (c: Conn, networkId: string): NetworkLabel[] => {
    const l = labelOf(c, networkId);
    return l === null ? [] : [{ id: l, networkId }];
  },
  set: (c: Conn, networkId: string, label: string): void => {
    c.insert(networkLabel).values({ networkId, label }).run();
  },
  delete: (c: Conn, networkId: string): void => {
    c.delete(networkLabel).where(eq(networkLabel.networkId, networkId)).run();
  },
};

type NcRow = typeof networkCluster.$inferSelect;
const toNc = (r: NcRow): NetworkCluster => ({
  clusterId: r.clusterId,
  networkId: r.networkId,
  required: r.required,
  roles: json<ClusterRole[]>(r.roles) ?? [],
  status: r.status,
});

export const networkClustersRepo = {
  listByCluster: (c: Conn, clusterId: string): NetworkCluster[] =>
    c.select().from(networkCluster).where(eq(networkCluster.clusterId, clusterId)).all().map(toNc),
  listByNetwork: (c: Conn, networkId: string): NetworkCluster[] =>
    c.select().from(networkCluster).where(eq(networkCluster.networkId, networkId)).all().map(toNc),
  find: (c: Conn, clusterId: string, networkId: string): NetworkCluster | null => {
    const r = c
      .select()
      .from(networkCluster)
      .where(and(eq(networkCluster.clusterId, clusterId), eq(networkCluster.networkId, networkId)))
      .get();
    return r ? toNc(r) : null;
  },
  insert: (c: Conn, nc: Omit<NetworkCluster, 'status'>): void => {
    c.insert(networkCluster)
      .values({ ...nc, roles: JSON.stringify(nc.roles) })
      .run();
  },
  update: (
    c: Conn,
    clusterId: string,
    networkId: string,
    patch: { required?: boolean; roles?: readonly ClusterRole[] },
  ): void => {
    const set = defined({
      required: patch.required,
      roles: patch.roles === undefined ? undefined : JSON.stringify(patch.roles),
    });
    if (Object.keys(set).length === 0) return;
    c.update(networkCluster)
      .set(set)
      .where(and(eq(networkCluster.clusterId, clusterId), eq(networkCluster.networkId, networkId)))
      .run();
  },
  setStatus: (
    c: Conn,
    clusterId: string,
    networkId: string,
    status: NetworkCluster['status'],
  ): void => {
    c.update(networkCluster)
      .set({ status })
      .where(and(eq(networkCluster.clusterId, clusterId), eq(networkCluster.networkId, networkId)))
      .run();
  },
  delete: (c: Conn, clusterId: string, networkId: string): void => {
    c.delete(networkCluster)
      .where(and(eq(networkCluster.clusterId, clusterId), eq(networkCluster.networkId, networkId)))
      .run();
  },
};

const toProfile = (r: typeof vnicProfile.$inferSelect): VnicProfile => ({
  id: r.id,
  name: r.name,
  description: r.description,
  networkId: r.networkId,
  portMirroring: r.portMirroring,
});

export const vnicProfilesRepo = {
  list: (c: Conn): VnicProfile[] => c.select().from(vnicProfile).all().map(toProfile),
  listByNetwork: (c: Conn, networkId: string): VnicProfile[] =>
    c.select().from(vnicProfile).where(eq(vnicProfile.networkId, networkId)).all().map(toProfile),
  findById: (c: Conn, id: string): VnicProfile | null => {
    const r = c.select().from(vnicProfile).where(eq(vnicProfile.id, id)).get();
    return r ? toProfile(r) : null;
  },
  insert: (c: Conn, row: typeof vnicProfile.$inferInsert): void => {
    c.insert(vnicProfile).values(row).run();
  },
  delete: (c: Conn, id: string): void => {
    c.delete(vnicProfile).where(eq(vnicProfile.id, id)).run();
  },
};
