CREATE TABLE `disk` (
	`id` text PRIMARY KEY NOT NULL,
	`alias` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`format` text NOT NULL,
	`sparse` integer DEFAULT true NOT NULL,
	`provisioned_size` integer NOT NULL,
	`actual_size` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'locked' NOT NULL,
	`content_type` text DEFAULT 'data' NOT NULL,
	`storage_domain_id` text NOT NULL,
	`shareable` integer DEFAULT false NOT NULL,
	`wipe_after_delete` integer DEFAULT false NOT NULL,
	`status_detail` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`storage_domain_id`) REFERENCES `storage_domain`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `disk_storage_domain_id_idx` ON `disk` (`storage_domain_id`);--> statement-breakpoint
CREATE TABLE `disk_attachment` (
	`disk_id` text PRIMARY KEY NOT NULL,
	`vm_id` text,
	`template_id` text,
	`interface` text DEFAULT 'virtio' NOT NULL,
	`bootable` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`read_only` integer DEFAULT false NOT NULL,
	`pass_discard` integer DEFAULT false NOT NULL,
	`logical_name` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`disk_id`) REFERENCES `disk`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vm_id`) REFERENCES `vm`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`template_id`) REFERENCES `vm_template`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `disk_attachment_vm_id_idx` ON `disk_attachment` (`vm_id`);--> statement-breakpoint
CREATE INDEX `disk_attachment_template_id_idx` ON `disk_attachment` (`template_id`);--> statement-breakpoint
CREATE TABLE `image` (
	`id` text PRIMARY KEY NOT NULL,
	`disk_id` text NOT NULL,
	`parent_id` text,
	`path` text NOT NULL,
	`format` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`snapshot_id` text,
	`status` text DEFAULT 'locked' NOT NULL,
	`virtual_size` integer NOT NULL,
	`actual_size` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`disk_id`) REFERENCES `disk`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `image_path_unique` ON `image` (`path`);--> statement-breakpoint
CREATE INDEX `image_disk_id_idx` ON `image` (`disk_id`);--> statement-breakpoint
CREATE INDEX `image_parent_id_idx` ON `image` (`parent_id`);--> statement-breakpoint
CREATE INDEX `image_snapshot_id_idx` ON `image` (`snapshot_id`);--> statement-breakpoint
CREATE TABLE `image_transfer` (
	`id` text PRIMARY KEY NOT NULL,
	`disk_id` text NOT NULL,
	`image_id` text,
	`direction` text NOT NULL,
	`phase` text DEFAULT 'initializing' NOT NULL,
	`ticket` text NOT NULL,
	`format` text NOT NULL,
	`data_path` text NOT NULL,
	`data_size` integer NOT NULL,
	`transferred` integer DEFAULT 0 NOT NULL,
	`inactivity_timeout` integer DEFAULT 60 NOT NULL,
	`timeout_policy` text DEFAULT 'legacy' NOT NULL,
	`shallow` integer DEFAULT false NOT NULL,
	`host_id` text,
	`message` text,
	`last_updated` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `image_transfer_ticket_unique` ON `image_transfer` (`ticket`);--> statement-breakpoint
CREATE INDEX `image_transfer_disk_id_idx` ON `image_transfer` (`disk_id`);--> statement-breakpoint
CREATE TABLE `snapshot` (
	`id` text PRIMARY KEY NOT NULL,
	`vm_id` text NOT NULL,
	`type` text DEFAULT 'regular' NOT NULL,
	`status` text DEFAULT 'ok' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`vm_configuration` text,
	`persist_memory_state` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`vm_id`) REFERENCES `vm`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `snapshot_vm_id_idx` ON `snapshot` (`vm_id`);--> statement-breakpoint
CREATE TABLE `storage_domain` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`type` text DEFAULT 'data' NOT NULL,
	`storage_type` text DEFAULT 'localfs' NOT NULL,
	`path` text NOT NULL,
	`data_center_id` text,
	`status` text DEFAULT 'active' NOT NULL,
	`master` integer DEFAULT false NOT NULL,
	`storage_format` text DEFAULT 'v5' NOT NULL,
	`warning_low_space_indicator` integer DEFAULT 10 NOT NULL,
	`critical_space_action_blocker` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_center`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `storage_domain_name_unique` ON `storage_domain` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `storage_domain_path_unique` ON `storage_domain` (`path`);--> statement-breakpoint
DROP INDEX `vm_template_name_unique`;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `status` text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `version_number` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `version_name` text DEFAULT 'base version' NOT NULL;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `base_template_id` text;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `source_vm_id` text;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `bundled_hash` text;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `created_at` text;--> statement-breakpoint
-- Existing templates (Blank, tiny) become base templates of themselves (oVirt TemplateVersion).
UPDATE `vm_template` SET `base_template_id` = `id`, `created_at` = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE `base_template_id` IS NULL;
