ALTER TABLE `command_intent` ADD `kind` text DEFAULT 'host-networks' NOT NULL;--> statement-breakpoint
ALTER TABLE `command_intent` ADD `payload` text DEFAULT '{}' NOT NULL;