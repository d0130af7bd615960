CREATE TABLE `lead_objections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`kind` text NOT NULL,
	`reason` text NOT NULL,
	`actor_user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lead_objections_lead_idx` ON `lead_objections` (`lead_id`);--> statement-breakpoint
CREATE TABLE `retention_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dry_run` integer NOT NULL,
	`trigger` text NOT NULL,
	`actor_user_id` integer,
	`period_months` integer NOT NULL,
	`cutoff_at` integer NOT NULL,
	`anonymised` integer NOT NULL,
	`skipped_legal_hold` integer NOT NULL,
	`sessions_deleted` integer NOT NULL,
	`outbox_deleted` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `retention_runs_started_idx` ON `retention_runs` (`started_at`);--> statement-breakpoint
ALTER TABLE `leads` ADD `legal_hold_by_user_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `leads` ADD `legal_hold_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `restricted_reason` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `restricted_by_user_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `leads` ADD `restricted_at` integer;