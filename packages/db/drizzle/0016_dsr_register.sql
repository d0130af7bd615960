CREATE TABLE `dsr_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dsr_id` integer NOT NULL,
	`at` integer NOT NULL,
	`by_user_id` integer,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`note` text,
	FOREIGN KEY (`dsr_id`) REFERENCES `dsr_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dsr_events_dsr_idx` ON `dsr_events` (`dsr_id`,`id`);--> statement-breakpoint
CREATE TABLE `dsr_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`dsr_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`dsr_id`) REFERENCES `dsr_requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dsr_tokens_dsr_idx` ON `dsr_tokens` (`dsr_id`);--> statement-breakpoint
ALTER TABLE `dsr_requests` ADD `extension_months` integer;--> statement-breakpoint
ALTER TABLE `dsr_requests` ADD `extended_at` integer;--> statement-breakpoint
ALTER TABLE `dsr_requests` ADD `extended_by_user_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `dsr_requests` ADD `verification_method` text;--> statement-breakpoint
ALTER TABLE `dsr_requests` ADD `message` text;--> statement-breakpoint
CREATE INDEX `dsr_requests_status_due_idx` ON `dsr_requests` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `dsr_requests_email_idx` ON `dsr_requests` (`subject_email`);--> statement-breakpoint
CREATE INDEX `dsr_requests_phone_idx` ON `dsr_requests` (`subject_phone`);--> statement-breakpoint
-- A request's timeline is its documentation (art. 5(2), 12(3)): the database refuses changes.
CREATE TRIGGER dsr_events_no_update BEFORE UPDATE ON dsr_events
BEGIN SELECT RAISE(ABORT, 'dsr_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER dsr_events_no_delete BEFORE DELETE ON dsr_events
BEGIN SELECT RAISE(ABORT, 'dsr_events is append-only'); END;
