CREATE TABLE `dsr_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dsr_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_user_id` integer,
	`action` text NOT NULL,
	`lead_ids` text NOT NULL,
	`lead_count` integer NOT NULL,
	`fields_changed` text,
	`kept` text,
	`detail` text,
	FOREIGN KEY (`dsr_id`) REFERENCES `dsr_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dsr_actions_dsr_idx` ON `dsr_actions` (`dsr_id`,`id`);