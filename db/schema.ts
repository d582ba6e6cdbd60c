// SPDX-License-Identifier: Apache-2.0
/**
 * The single source of truth for the database. Table and column names follow oVirt's where
 * the seeds name them (`network.is_isolated`, `network_attachments.host_id/nic_id`); enums
 * are text columns in oVirt's vocabulary. Migrations: `npm run db:generate`.
 *
 * Timestamps are ISO-8601 text (sortable, readable in the sqlite3 shell). Ids are UUID text.
 */
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

// Column helpers; their inferred drizzle builder types are what the tables need.
/* eslint-disable @typescript-eslint/explicit-function-return-type */
const id = () => text('id').primaryKey();
const bool = (name: string) => integer(name, { mode: 'boolean' });
const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);
/* eslint-enable @typescript-eslint/explicit-function-return-type */

export const dataCenter = sqliteTable('data_center', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  local: bool('local').notNull().default(true),
  status: text('status', { enum: ['uninitialized', 'up', 'maintenance', 'not_operational'] })
    .notNull()
    .default('up'),
  compatMajor: integer('compat_major').notNull().default(4),
  compatMinor: integer('compat_minor').notNull().default(8),
  createdAt: createdAt(),
});

export const cluster = sqliteTable('cluster', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  dataCenterId: text('data_center_id')
    .notNull()
    .references(() => dataCenter.id, { onDelete: 'restrict' }),
  compatMajor: integer('compat_major').notNull().default(4),
  compatMinor: integer('compat_minor').notNull().default(8),
  createdAt: createdAt(),
});

/** oVirt's vds_static + vds_dynamic, folded: one row per host. */
export const host = sqliteTable('host', {
  id: id(),
  name: text('name').notNull().unique(),
  address: text('address').notNull(),
  clusterId: text('cluster_id')
    .notNull()
    .references(() => cluster.id, { onDelete: 'restrict' }),
  status: text('status', {
    enum: [
      'initializing',
      'up',
      'maintenance',
      'preparing_for_maintenance',
      'non_operational',
      'non_responsive',
      'connecting',
    ],
  })
    .notNull()
    .default('initializing'),
  statusDetail: text('status_detail'),
  memoryBytes: integer('memory_bytes').notNull().default(0),
  cpus: integer('cpus').notNull().default(1),
  cpuModel: text('cpu_model').notNull().default(''),
  osName: text('os_name').notNull().default(''),
  libvirtVersion: text('libvirt_version').notNull().default(''),
  accelerator: text('accelerator', { enum: ['kvm', 'tcg'] })
    .notNull()
    .default('tcg'),
  maxMtu: integer('max_mtu').notNull().default(65535),
  networkOperationInProgress: bool('network_operation_in_progress').notNull().default(false),
  createdAt: createdAt(),
});

/** oVirt's vds_interface. Bridges are not NICs: a network is represented by its attachment. */
export const hostNic = sqliteTable(
  'host_nic',
  {
    id: id(),
    hostId: text('host_id')
      .notNull()
      .references(() => host.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mac: text('mac').notNull().default(''),
    mtu: integer('mtu').notNull().default(1500),
    maxMtu: integer('max_mtu').notNull().default(1500),
    speedMbps: integer('speed_mbps'),
    linkUp: bool('link_up').notNull().default(false),
    /** JSON array of CIDR strings. */
    ipv4: text('ipv4').notNull().default('[]'),
  },
  (t) => [uniqueIndex('host_nic_host_id_name_key').on(t.hostId, t.name)],
);

export const network = sqliteTable(
  'network',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    comment: text('comment').notNull().default(''),
    dataCenterId: text('data_center_id')
      .notNull()
      .references(() => dataCenter.id, { onDelete: 'restrict' }),
    /** 0 = default (1500). */
    mtu: integer('mtu').notNull().default(0),
    vlanId: integer('vlan_id'),
    stp: bool('stp').notNull().default(false),
    vmNetwork: bool('vm_network').notNull().default(true),
    /** Seed "NIC-less Network": not nullable, default false. */
    isIsolated: bool('is_isolated').notNull().default(false),
    portIsolation: bool('port_isolation').notNull().default(false),
    vdsmName: text('vdsm_name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // Belt and braces behind the validator (which gives oVirt's fault): unique per DC.
    uniqueIndex('network_data_center_id_name_key').on(t.dataCenterId, t.name),
    uniqueIndex('network_vdsm_name_key').on(t.dataCenterId, t.vdsmName),
  ],
);

/** oVirt's network_cluster. */
export const networkCluster = sqliteTable(
  'network_cluster',
  {
    networkId: text('network_id')
      .notNull()
      .references(() => network.id, { onDelete: 'cascade' }),
    clusterId: text('cluster_id')
      .notNull()
      .references(() => cluster.id, { onDelete: 'cascade' }),
    required: bool('required').notNull().default(true),
    /** JSON array of ClusterRole. */
    roles: text('roles').notNull().default('[]'),
    status: text('status', { enum: ['operational', 'non_operational'] })
      .notNull()
      .default('operational'),
  },
  (t) => [primaryKey({ columns: [t.networkId, t.clusterId] })],
);

/**
 * A network on a host. Seed "NIC-less Network": `host_id` NOT NULL, `nic_id` nullable and
 * not part of the unique key, which is (network_id, host_id).
 */
export const networkAttachments = sqliteTable(
  'network_attachments',
  {
    id: id(),
    networkId: text('network_id')
      .notNull()
      .references(() => network.id, { onDelete: 'restrict' }),
    hostId: text('host_id')
      .notNull()
      .references(() => host.id, { onDelete: 'cascade' }),
    nicId: text('nic_id').references(() => hostNic.id, { onDelete: 'restrict' }),
    /**
     * `configuring` while a command is applying it to the host (intent), `active` once the
     * host reported it. Rows left `configuring` by a crash are recovered at start.
     */
    status: text('status', { enum: ['configuring', 'active'] })
      .notNull()
      .default('configuring'),
    inSync: bool('in_sync').notNull().default(false),
    /** JSON array of ReportedConfiguration. */
    reportedConfigurations: text('reported_configurations').notNull().default('[]'),
    reportedAt: text('reported_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('network_attachments_network_id_host_id_key').on(t.networkId, t.hostId),
    index('network_attachments_nic_id_idx').on(t.nicId),
  ],
);

/** At most one label per network: the network id is the key. */
export const networkLabel = sqliteTable(
  'network_label',
  {
    networkId: text('network_id')
      .primaryKey()
      .references(() => network.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
  },
  (t) => [index('network_label_label_idx').on(t.label)],
);

/** Host labels: host-level (nic_id null, seed "Isolated Networks") or on a NIC (oVirt). */
export const hostNetworkLabel = sqliteTable(
  'host_network_label',
  {
    hostId: text('host_id')
      .notNull()
      .references(() => host.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    nicId: text('nic_id').references(() => hostNic.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.hostId, t.label] })],
);

export const vnicProfile = sqliteTable(
  'vnic_profile',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    networkId: text('network_id')
      .notNull()
      .references(() => network.id, { onDelete: 'cascade' }),
    portMirroring: bool('port_mirroring').notNull().default(false),
  },
  (t) => [uniqueIndex('vnic_profile_network_id_name_key').on(t.networkId, t.name)],
);

export const vmTemplate = sqliteTable('vm_template', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  memoryBytes: integer('memory_bytes').notNull(),
  vcpus: integer('vcpus').notNull().default(1),
  boot: text('boot', { enum: ['none', 'tiny'] })
    .notNull()
    .default('none'),
});

export const vm = sqliteTable('vm', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  clusterId: text('cluster_id')
    .notNull()
    .references(() => cluster.id, { onDelete: 'restrict' }),
  templateId: text('template_id')
    .notNull()
    .references(() => vmTemplate.id, { onDelete: 'restrict' }),
  memoryBytes: integer('memory_bytes').notNull(),
  vcpus: integer('vcpus').notNull().default(1),
  status: text('status', {
    enum: ['down', 'wait_for_launch', 'powering_up', 'up', 'paused', 'powering_down', 'unknown'],
  })
    .notNull()
    .default('down'),
  hostId: text('host_id').references(() => host.id, { onDelete: 'set null' }),
  bootKind: text('boot_kind', { enum: ['none', 'tiny', 'disk'] })
    .notNull()
    .default('none'),
  diskPath: text('disk_path'),
  /** JSON Initialization or null. */
  initialization: text('initialization'),
  startTime: text('start_time'),
  stopTime: text('stop_time'),
  stopReason: text('stop_reason'),
  createdAt: createdAt(),
});

export const vmInterface = sqliteTable(
  'vm_interface',
  {
    id: id(),
    vmId: text('vm_id')
      .notNull()
      .references(() => vm.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    interface: text('interface', { enum: ['virtio', 'e1000', 'rtl8139'] })
      .notNull()
      .default('virtio'),
    mac: text('mac').notNull().unique(),
    vnicProfileId: text('vnic_profile_id').references(() => vnicProfile.id, {
      onDelete: 'restrict',
    }),
    linked: bool('linked').notNull().default(true),
    plugged: bool('plugged').notNull().default(true),
  },
  (t) => [uniqueIndex('vm_interface_vm_id_name_key').on(t.vmId, t.name)],
);

export const users = sqliteTable('users', {
  id: id(),
  /** `admin`; the domain is separate, as in oVirt (`admin@internal`). */
  name: text('name').notNull(),
  domain: text('domain').notNull().default('internal'),
  /** `scrypt$N$r$p$salt-b64$hash-b64`. */
  passwordHash: text('password_hash').notNull(),
  admin: bool('admin').notNull().default(false),
  createdAt: createdAt(),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    time: text('time').notNull(),
    severity: text('severity', { enum: ['normal', 'warning', 'error'] }).notNull(),
    code: text('code').notNull(),
    description: text('description').notNull(),
    userName: text('user_name'),
    correlationId: text('correlation_id'),
    // No foreign keys: the log outlives what it talks about.
    dataCenterId: text('data_center_id'),
    clusterId: text('cluster_id'),
    hostId: text('host_id'),
    networkId: text('network_id'),
    vmId: text('vm_id'),
  },
  (t) => [index('audit_log_time_idx').on(t.time)],
);

/**
 * Compensation records (oVirt's business_entity_snapshot): written in the same transaction
 * as a command's intent, deleted with its result. A row left behind means the engine died
 * between the two; start-up restores the snapshot and reconciles the named host networks.
 */
export const commandIntent = sqliteTable('command_intent', {
  id: id(),
  command: text('command').notNull(),
  /**
   * Which recovery undoes this intent at start-up: 'host-networks' (bridges), 'vm' (domains),
   * and what later commands add (storage: 'volume', 'snapshot', …). See main/engine/recovery.ts.
   */
  kind: text('kind').notNull().default('host-networks'),
  /** JSON object the recovery of `kind` needs (files being written, domains being created…). */
  payload: text('payload').notNull().default('{}'),
  hostId: text('host_id'),
  /** JSON TableSnapshot[] (see db/compensation.ts). */
  snapshot: text('snapshot').notNull(),
  /** JSON string[]: on-host network names the command was changing. */
  hostNetworks: text('host_networks').notNull().default('[]'),
  /** JSON string[]: VM ids whose domains the command was starting/stopping. */
  vmIds: text('vm_ids').notNull().default('[]'),
  startedAt: createdAt(),
});
