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
