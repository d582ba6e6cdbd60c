CREATE TABLE `host_remote` (
	`host_id` text PRIMARY KEY NOT NULL,
	`port` integer DEFAULT 54321 NOT NULL,
	`token_hash` text,
	`token_expires_at` text,
	`cert_fingerprint` text,
	`enrolled_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `host`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `lab` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lab_name_unique` ON `lab` (`name`);--> statement-breakpoint
CREATE TABLE `lab_network` (
	`network_id` text PRIMARY KEY NOT NULL,
	`lab_id` text NOT NULL,
	FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`lab_id`) REFERENCES `lab`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `lab_vm` (
	`vm_id` text PRIMARY KEY NOT NULL,
	`lab_id` text NOT NULL,
	FOREIGN KEY (`vm_id`) REFERENCES `vm`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`lab_id`) REFERENCES `lab`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
ALTER TABLE `vm` ADD `cdrom_disk_id` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `current_cdrom_disk_id` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `boot_devices` text;