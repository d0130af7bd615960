CREATE TABLE `consent_confirmations` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`lead_id` integer NOT NULL,
	`purposes` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_confirmations_lead_idx` ON `consent_confirmations` (`lead_id`);--> statement-breakpoint
ALTER TABLE `suppressions` ADD `kind` text DEFAULT 'sha256' NOT NULL;