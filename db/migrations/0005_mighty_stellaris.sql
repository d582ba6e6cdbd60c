ALTER TABLE `vm` ADD `placement_hosts` text;--> statement-breakpoint
ALTER TABLE `vm` ADD `placement_affinity` text;