CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` text NOT NULL,
	`severity` text NOT NULL,
	`code` text NOT NULL,
	`description` text NOT NULL,
	`user_name` text,
	`correlation_id` text,
	`data_center_id` text,
	`cluster_id` text,
	`host_id` text,
	`network_id` text,
	`vm_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_time_idx` ON `audit_log` (`time`);--> statement-breakpoint
CREATE TABLE `cluster` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`data_center_id` text NOT NULL,
	`compat_major` integer DEFAULT 4 NOT NULL,
	`compat_minor` integer DEFAULT 8 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_center`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cluster_name_unique` ON `cluster` (`name`);--> statement-breakpoint
CREATE TABLE `command_intent` (
	`id` text PRIMARY KEY NOT NULL,
	`command` text NOT NULL,
	`host_id` text,
	`snapshot` text NOT NULL,
	`host_networks` text DEFAULT '[]' NOT NULL,
	`vm_ids` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `data_center` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`local` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'up' NOT NULL,
	`compat_major` integer DEFAULT 4 NOT NULL,
	`compat_minor` integer DEFAULT 8 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `data_center_name_unique` ON `data_center` (`name`);--> statement-breakpoint
CREATE TABLE `host` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`cluster_id` text NOT NULL,
	`status` text DEFAULT 'initializing' NOT NULL,
	`status_detail` text,
	`memory_bytes` integer DEFAULT 0 NOT NULL,
	`cpus` integer DEFAULT 1 NOT NULL,
	`cpu_model` text DEFAULT '' NOT NULL,
	`os_name` text DEFAULT '' NOT NULL,
	`libvirt_version` text DEFAULT '' NOT NULL,
	`accelerator` text DEFAULT 'tcg' NOT NULL,
	`max_mtu` integer DEFAULT 65535 NOT NULL,
	`network_operation_in_progress` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `cluster`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `host_name_unique` ON `host` (`name`);--> statement-breakpoint
CREATE TABLE `host_network_label` (
	`host_id` text NOT NULL,
	`label` text NOT NULL,
	`nic_id` text,
	PRIMARY KEY(`host_id`, `label`),
	FOREIGN KEY (`host_id`) REFERENCES `host`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`nic_id`) REFERENCES `host_nic`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `host_nic` (
	`id` text PRIMARY KEY NOT NULL,
	`host_id` text NOT NULL,
	`name` text NOT NULL,
	`mac` text DEFAULT '' NOT NULL,
	`mtu` integer DEFAULT 1500 NOT NULL,
	`max_mtu` integer DEFAULT 1500 NOT NULL,
	`speed_mbps` integer,
	`link_up` integer DEFAULT false NOT NULL,
	`ipv4` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `host`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `host_nic_host_id_name_key` ON `host_nic` (`host_id`,`name`);--> statement-breakpoint
CREATE TABLE `network` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`data_center_id` text NOT NULL,
	`mtu` integer DEFAULT 0 NOT NULL,
	`vlan_id` integer,
	`stp` integer DEFAULT false NOT NULL,
	`vm_network` integer DEFAULT true NOT NULL,
	`is_isolated` integer DEFAULT false NOT NULL,
	`port_isolation` integer DEFAULT false NOT NULL,
	`vdsm_name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_center`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `network_data_center_id_name_key` ON `network` (`data_center_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `network_vdsm_name_key` ON `network` (`data_center_id`,`vdsm_name`);--> statement-breakpoint
CREATE TABLE `network_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`network_id` text NOT NULL,
	`host_id` text NOT NULL,
	`nic_id` text,
	`status` text DEFAULT 'configuring' NOT NULL,
	`in_sync` integer DEFAULT false NOT NULL,
	`reported_configurations` text DEFAULT '[]' NOT NULL,
	`reported_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`host_id`) REFERENCES `host`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`nic_id`) REFERENCES `host_nic`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `network_attachments_network_id_host_id_key` ON `network_attachments` (`network_id`,`host_id`);--> statement-breakpoint
CREATE INDEX `network_attachments_nic_id_idx` ON `network_attachments` (`nic_id`);--> statement-breakpoint
CREATE TABLE `network_cluster` (
	`network_id` text NOT NULL,
	`cluster_id` text NOT NULL,
	`required` integer DEFAULT true NOT NULL,
	`roles` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'operational' NOT NULL,
	PRIMARY KEY(`network_id`, `cluster_id`),
	FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `cluster`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `network_label` (
	`network_id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `network_label_label_idx` ON `network_label` (`label`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain` text DEFAULT 'internal' NOT NULL,
	`password_hash` text NOT NULL,
	`admin` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vm` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`cluster_id` text NOT NULL,
	`template_id` text NOT NULL,
	`memory_bytes` integer NOT NULL,
	`vcpus` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'down' NOT NULL,
	`host_id` text,
	`boot_kind` text DEFAULT 'none' NOT NULL,
	`disk_path` text,
	`initialization` text,
	`start_time` text,
	`stop_time` text,
	`stop_reason` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `cluster`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`template_id`) REFERENCES `vm_template`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`host_id`) REFERENCES `host`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vm_name_unique` ON `vm` (`name`);--> statement-breakpoint
CREATE TABLE `vm_interface` (
	`id` text PRIMARY KEY NOT NULL,
	`vm_id` text NOT NULL,
	`name` text NOT NULL,
	`interface` text DEFAULT 'virtio' NOT NULL,
	`mac` text NOT NULL,
	`vnic_profile_id` text,
	`linked` integer DEFAULT true NOT NULL,
	`plugged` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`vm_id`) REFERENCES `vm`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vnic_profile_id`) REFERENCES `vnic_profile`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vm_interface_mac_unique` ON `vm_interface` (`mac`);--> statement-breakpoint
CREATE UNIQUE INDEX `vm_interface_vm_id_name_key` ON `vm_interface` (`vm_id`,`name`);--> statement-breakpoint
CREATE TABLE `vm_template` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`memory_bytes` integer NOT NULL,
	`vcpus` integer DEFAULT 1 NOT NULL,
	`boot` text DEFAULT 'none' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vm_template_name_unique` ON `vm_template` (`name`);--> statement-breakpoint
CREATE TABLE `vnic_profile` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`network_id` text NOT NULL,
	`port_mirroring` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vnic_profile_network_id_name_key` ON `vnic_profile` (`network_id`,`name`);