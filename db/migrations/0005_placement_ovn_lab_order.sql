CREATE TABLE `lab_start_job` (
	`lab_id` text PRIMARY KEY NOT NULL,
	`job` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`lab_id`) REFERENCES `lab`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `lab_vm` ADD `start_group` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `lab_vm` ADD `start_depends_on` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `lab_vm` ADD `start_delay_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `network` ADD `external_provider_id` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `placement_hosts` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `placement_affinity` text;