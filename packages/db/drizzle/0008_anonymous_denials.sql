CREATE TABLE `access_log_denials` (
	`ip` text NOT NULL,
	`minute` integer NOT NULL,
	`count` integer NOT NULL,
	`actions` text NOT NULL,
	`reasons` text NOT NULL,
	`first_request_id` text,
	`user_agent` text,
	PRIMARY KEY(`ip`, `minute`)
);
--> statement-breakpoint
CREATE INDEX `access_log_denials_minute_idx` ON `access_log_denials` (`minute`);