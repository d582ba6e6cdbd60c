ALTER TABLE `vm` ADD `cdrom_disk_id` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `current_cdrom_disk_id` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `boot_devices` text;