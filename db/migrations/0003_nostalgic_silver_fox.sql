ALTER TABLE `vm` ADD `init_root_password` text;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `initialization` text;--> statement-breakpoint
ALTER TABLE `vm_template` ADD `init_root_password` text;