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
      // Issue 17: a remote host added by POST /hosts waits for its agent to enroll.
      'installing',
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
    /** Issue 12: JSON AddressPlan (DHCP/DNS on the isolated segment), null = off. */
    addressPlan: text('address_plan'),
    /** Issue 17: oVirt external_provider (ovirt-provider-ovn) = an OVN network; null = bridge. */
    externalProviderId: text('external_provider_id'),
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

/**
 * oVirt's vm_static for templates. A base template has `version_number` 1 and is its own
 * `base_template_id` (oVirt `TemplateVersion`); `status` is `locked` while its disks copy.
 */
export const vmTemplate = sqliteTable('vm_template', {
  id: id(),
  // Not unique: versions of a template share its name (oVirt); base names are checked by the engine.
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  memoryBytes: integer('memory_bytes').notNull(),
  vcpus: integer('vcpus').notNull().default(1),
  /** `none` (Blank), `tiny` (the bundled demo guest), `disks` (boots from its disks). */
  boot: text('boot', { enum: ['none', 'tiny', 'disks'] })
    .notNull()
    .default('none'),
  status: text('status', { enum: ['ok', 'locked', 'illegal'] })
    .notNull()
    .default('ok'),
  versionNumber: integer('version_number').notNull().default(1),
  versionName: text('version_name').notNull().default('base version'),
  /** Null only transiently on insert; the migration sets it to `id` for existing rows. */
  baseTemplateId: text('base_template_id'),
  /** The VM it was made from (informational; the VM may be gone). */
  sourceVmId: text('source_vm_id'),
  /** Content hash of a bundled image it was registered from (seed idempotency). */
  bundledHash: text('bundled_hash'),
  // Nullable: SQLite cannot ADD a column whose default is an expression; set on insert.
  createdAt: text('created_at'),
  /** JSON Initialization (without the password) VMs made from it inherit, or null. */
  initialization: text('initialization'),
  /** cloud-init `root_password`, kept apart so no reader of `initialization` can leak it. */
  initRootPassword: text('init_root_password'),
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
    enum: [
      'down',
      'wait_for_launch',
      'powering_up',
      'up',
      'paused',
      'powering_down',
      'unknown',
      'image_locked',
    ],
  })
    .notNull()
    .default('down'),
  hostId: text('host_id').references(() => host.id, { onDelete: 'set null' }),
  /** `tiny`, `disks` (boots from its disk attachments), `none`; `disk` is legacy (issue 10 item 9). */
  bootKind: text('boot_kind', { enum: ['none', 'tiny', 'disk', 'disks'] })
    .notNull()
    .default('none'),
  /** Legacy: a host file booted in place. Cleared at start-up; never written any more. */
  diskPath: text('disk_path'),
  /** JSON Initialization (without the password) or null. */
  initialization: text('initialization'),
  startTime: text('start_time'),
  stopTime: text('stop_time'),
  stopReason: text('stop_reason'),
  createdAt: createdAt(),
  /** cloud-init `root_password`, kept apart so no reader of `initialization` can leak it. */
  initRootPassword: text('init_root_password'),
  /** Issue 16: the ISO disk in the VM's CD-ROM (persistent configuration), null = empty. */
  cdromDiskId: text('cdrom_disk_id'),
  /** Issue 16: the ISO disk in the running VM's CD-ROM (meaningful while not `down`). */
  currentCdromDiskId: text('current_cdrom_disk_id'),
  /** Issue 16: oVirt `os.boot.devices`, comma-separated (`cdrom,hd`); null = `hd`. */
  bootDevices: text('boot_devices'),
  /** Issue 17: oVirt `placement_policy.hosts` (dedicated_vm_for_vds), comma-separated ids; null = none. */
  placementHosts: text('placement_hosts'),
  /** Issue 17: oVirt `placement_policy.affinity` (migration_support); null = `migratable`. */
  placementAffinity: text('placement_affinity', {
    enum: ['migratable', 'user_migratable', 'pinned'],
  }),
});

// ── Storage (oVirt's storage_domain_static, base_disks, images, vm_device, snapshots) ──────

/**
 * A storage domain. Only `data` / `localfs` here: a directory on this machine. `path` is
 * canonical (absolute, no trailing slash); every volume path is computed under it.
 */
export const storageDomain = sqliteTable('storage_domain', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  comment: text('comment').notNull().default(''),
  type: text('type', { enum: ['data'] })
    .notNull()
    .default('data'),
  storageType: text('storage_type', { enum: ['localfs'] })
    .notNull()
    .default('localfs'),
  path: text('path').notNull().unique(),
  dataCenterId: text('data_center_id').references(() => dataCenter.id, { onDelete: 'restrict' }),
  status: text('status', {
    enum: ['active', 'inactive', 'locked', 'maintenance', 'unattached', 'unknown'],
  })
    .notNull()
    .default('active'),
  master: bool('master').notNull().default(false),
  storageFormat: text('storage_format').notNull().default('v5'),
  /** Percent of free space under which oVirt warns. */
  warningLowSpaceIndicator: integer('warning_low_space_indicator').notNull().default(10),
  /** GiB that must stay free: allocations that would go below are refused. */
  criticalSpaceActionBlocker: integer('critical_space_action_blocker').notNull().default(1),
  createdAt: createdAt(),
});

/** oVirt's base_disks: the disk as the user sees it (`alias` is the REST `name`). */
export const disk = sqliteTable(
  'disk',
  {
    id: id(),
    alias: text('alias').notNull(),
    description: text('description').notNull().default(''),
    format: text('format', { enum: ['cow', 'raw'] }).notNull(),
    sparse: bool('sparse').notNull().default(true),
    provisionedSize: integer('provisioned_size').notNull(),
    actualSize: integer('actual_size').notNull().default(0),
    status: text('status', { enum: ['ok', 'locked', 'illegal'] })
      .notNull()
      .default('locked'),
    contentType: text('content_type', { enum: ['data', 'iso'] })
      .notNull()
      .default('data'),
    storageDomainId: text('storage_domain_id')
      .notNull()
      .references(() => storageDomain.id, { onDelete: 'restrict' }),
    shareable: bool('shareable').notNull().default(false),
    wipeAfterDelete: bool('wipe_after_delete').notNull().default(false),
    /** Why the disk is illegal (crash mid-copy, failed check), for the UI and events. */
    statusDetail: text('status_detail'),
    createdAt: createdAt(),
  },
  (t) => [index('disk_storage_domain_id_idx').on(t.storageDomainId)],
);

/**
 * oVirt's images: the volume chain of a disk. The `active` volume is the one the VM writes;
 * `parent_id` is the volume below (null = base). A thin VM disk's base volume has as parent
 * a template disk's volume (another disk): no foreign key on `parent_id`, the engine keeps
 * chains whole (a template with VMs cannot be removed). `path` is always computed by the
 * engine: `<domain path>/<disk id>/<volume id>`.
 */
export const image = sqliteTable(
  'image',
  {
    id: id(),
    diskId: text('disk_id')
      .notNull()
      .references(() => disk.id, { onDelete: 'cascade' }),
    parentId: text('parent_id'),
    path: text('path').notNull().unique(),
    format: text('format', { enum: ['cow', 'raw'] }).notNull(),
    active: bool('active').notNull().default(true),
    /** The VM snapshot whose state this volume holds (null for template/floating disks). */
    snapshotId: text('snapshot_id'),
    status: text('status', { enum: ['ok', 'locked', 'illegal'] })
      .notNull()
      .default('locked'),
    virtualSize: integer('virtual_size').notNull(),
    actualSize: integer('actual_size').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('image_disk_id_idx').on(t.diskId),
    index('image_parent_id_idx').on(t.parentId),
    index('image_snapshot_id_idx').on(t.snapshotId),
  ],
);

/**
 * oVirt's vm_device rows for disks, as disk attachments: one per disk (no shareable disks),
 * so the attachment id is the disk id, as oVirt's REST shows it. Exactly one of `vm_id`,
 * `template_id` is set.
 */
export const diskAttachment = sqliteTable(
  'disk_attachment',
  {
    diskId: text('disk_id')
      .primaryKey()
      .references(() => disk.id, { onDelete: 'cascade' }),
    vmId: text('vm_id').references(() => vm.id, { onDelete: 'cascade' }),
    templateId: text('template_id').references(() => vmTemplate.id, { onDelete: 'cascade' }),
    interface: text('interface', { enum: ['virtio', 'virtio_scsi', 'sata'] })
      .notNull()
      .default('virtio'),
    bootable: bool('bootable').notNull().default(false),
    active: bool('active').notNull().default(true),
    readOnly: bool('read_only').notNull().default(false),
    passDiscard: bool('pass_discard').notNull().default(false),
    logicalName: text('logical_name'),
    createdAt: createdAt(),
  },
  (t) => [
    index('disk_attachment_vm_id_idx').on(t.vmId),
    index('disk_attachment_template_id_idx').on(t.templateId),
  ],
);

/**
 * oVirt's snapshots. Every VM has one `active` snapshot ("Active VM"): the volumes it writes
 * now. A `regular` snapshot owns the volumes frozen when it was taken; `vm_configuration`
 * is the VM's configuration at that time (JSON), as oVirt's OVF in the snapshot.
 */
export const snapshot = sqliteTable(
  'snapshot',
  {
    id: id(),
    vmId: text('vm_id')
      .notNull()
      .references(() => vm.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['active', 'regular', 'preview', 'stateless'] })
      .notNull()
      .default('regular'),
    status: text('status', { enum: ['ok', 'locked', 'in_preview'] })
      .notNull()
      .default('ok'),
    description: text('description').notNull().default(''),
    vmConfiguration: text('vm_configuration'),
    persistMemoryState: bool('persist_memory_state').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('snapshot_vm_id_idx').on(t.vmId)],
);

/**
 * oVirt's image_transfers. The `ticket` is the only credential of the data plane; the
 * engine decides `data_path`, the file the data plane reads or writes (a staging file
 * inside the disk's directory for uploads).
 */
export const imageTransfer = sqliteTable(
  'image_transfer',
  {
    id: id(),
    // No foreign key: a finished transfer outlives the disk a failed upload removed.
    diskId: text('disk_id').notNull(),
    imageId: text('image_id'),
    direction: text('direction', { enum: ['upload', 'download'] }).notNull(),
    phase: text('phase', {
      enum: [
        'unknown',
        'initializing',
        'transferring',
        'resuming',
        'paused_system',
        'paused_user',
        'cancelled',
        'cancelled_system',
        'cancelled_user',
        'finalizing_success',
        'finalizing_failure',
        'finalizing_cleanup',
        'finished_success',
        'finished_failure',
        'finished_cleanup',
      ],
    })
      .notNull()
      .default('initializing'),
    ticket: text('ticket').notNull().unique(),
    format: text('format', { enum: ['cow', 'raw'] }).notNull(),
    dataPath: text('data_path').notNull(),
    /** Bytes the data plane may read or write (downloads: the file size; uploads: the limit). */
    dataSize: integer('data_size').notNull(),
    transferred: integer('transferred').notNull().default(0),
    inactivityTimeout: integer('inactivity_timeout').notNull().default(60),
    timeoutPolicy: text('timeout_policy', { enum: ['legacy', 'pause', 'cancel'] })
      .notNull()
      .default('legacy'),
    shallow: bool('shallow').notNull().default(false),
    hostId: text('host_id'),
    message: text('message'),
    lastUpdated: text('last_updated').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('image_transfer_disk_id_idx').on(t.diskId)],
);

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

/**
 * Issue 12: the address the engine gave a vNIC MAC on a network with an address plan, when
 * cloud-init asks for none (stable across restarts and plan reloads). Rows of MACs that left
 * the network are dropped when the segment is next planned.
 */
export const segmentAddress = sqliteTable(
  'segment_address',
  {
    networkId: text('network_id')
      .notNull()
      .references(() => network.id, { onDelete: 'cascade' }),
    /** Lower case, `52:54:00:12:34:56`. */
    mac: text('mac').notNull(),
    ip: text('ip').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.networkId, t.mac] }),
    uniqueIndex('segment_address_network_id_ip_key').on(t.networkId, t.ip),
  ],
);

// ── Labs (issue 15) ─────────────────────────────────────────────────────────────────────

/**
 * A lab: a named set of networks and VMs brought up and torn down together (`aio lab`, the
 * Labs page). Membership is kept in attachment rows, not in the resources' own columns, so
 * the rest of the engine stays unaware of labs and removing a VM or network drops its row.
 */
export const lab = sqliteTable('lab', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
});

/** A network of a lab. A network belongs to at most one lab (primary key on the network). */
export const labNetwork = sqliteTable('lab_network', {
  networkId: text('network_id')
    .primaryKey()
    .references(() => network.id, { onDelete: 'cascade' }),
  labId: text('lab_id')
    .notNull()
    .references(() => lab.id, { onDelete: 'restrict' }),
});

/** A VM of a lab. A VM belongs to at most one lab (primary key on the VM). */
export const labVm = sqliteTable('lab_vm', {
  vmId: text('vm_id')
    .primaryKey()
    .references(() => vm.id, { onDelete: 'cascade' }),
  labId: text('lab_id')
    .notNull()
    .references(() => lab.id, { onDelete: 'restrict' }),
  // Issue 15: the lab's start order for this VM (lab file `group`, `depends_on`, `start_delay`),
  // so "Start all" without a file honours it. `start_depends_on`: JSON array of VM ids.
  startGroup: integer('start_group').notNull().default(0),
  startDependsOn: text('start_depends_on').notNull().default('[]'),
  startDelaySeconds: integer('start_delay_seconds').notNull().default(0),
});
/**
 * Issue 17: a host reached over the network (oVirt's vds_static `port` + host-deploy state).
 * No row = the local host, served in-process. The enrollment token is kept only as a hash and
 * is good for one enrollment; the certificate fingerprint is the one the CA signed for it.
 */
export const hostRemote = sqliteTable('host_remote', {
  hostId: text('host_id')
    .primaryKey()
    .references(() => host.id, { onDelete: 'cascade' }),
  /** Port of the host agent (oVirt's VDSM port). */
  port: integer('port').notNull().default(54321),
  /** sha256 hex of the one-time enrollment token; null once used or withdrawn. */
  tokenHash: text('token_hash'),
  tokenExpiresAt: text('token_expires_at'),
  /** `sha256:<hex>` of the certificate signed at enrollment; null before. */
  certFingerprint: text('cert_fingerprint'),
  enrolledAt: text('enrolled_at'),
  createdAt: createdAt(),
});

/**
 * Issue 15: a lab's last start in waves (JSON of the contract's LabStartJob), written at each
 * VM's state change, so a start is never silently forgotten: after an engine restart a start
 * that was running is reported as interrupted.
 */
export const labStartJob = sqliteTable('lab_start_job', {
  labId: text('lab_id')
    .primaryKey()
    .references(() => lab.id, { onDelete: 'cascade' }),
  job: text('job').notNull(),
  updatedAt: text('updated_at').notNull(),
});
