CREATE TABLE `segment_address` (
	`network_id` text NOT NULL,
	`mac` text NOT NULL,
	`ip` text NOT NULL,
	PRIMARY KEY(`network_id`, `mac`),
	FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segment_address_network_id_ip_key` ON `segment_address` (`network_id`,`ip`);--> statement-breakpoint
ALTER TABLE `network` ADD `address_plan` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `init_root_password` text;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `initialization` text;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `init_root_password` text;