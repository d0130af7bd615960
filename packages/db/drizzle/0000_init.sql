CREATE TABLE `access_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_user_id` integer,
	`actor_role` text,
	`action` text NOT NULL,
	`purpose` text,
	`target_type` text,
	`target_ids` text,
	`target_count` integer,
	`outcome` text NOT NULL,
	`request_id` text,
	`ip` text,
	`user_agent` text,
	`detail` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `access_log_actor_idx` ON `access_log` (`actor_user_id`,`id`);--> statement-breakpoint
CREATE INDEX `access_log_action_idx` ON `access_log` (`action`,`id`);--> statement-breakpoint
CREATE INDEX `access_log_at_idx` ON `access_log` (`at`);--> statement-breakpoint
CREATE TABLE `access_log_targets` (
	`entry_id` integer NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `access_log`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `access_log_targets_idx` ON `access_log_targets` (`target_type`,`target_id`,`entry_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`secret_hash` blob NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_active_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`subsidiary_id` integer,
	`password_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`subsidiary_id`) REFERENCES `subsidiaries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `consent_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`granted` integer NOT NULL,
	`source` text NOT NULL,
	`policy_version_id` integer,
	`actor_user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`policy_version_id`) REFERENCES `policy_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_events_lead_idx` ON `consent_events` (`lead_id`,`purpose`,`id`);--> statement-breakpoint
CREATE TABLE `disclosures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`subsidiary_id` integer NOT NULL,
	`kind` text NOT NULL,
	`actor_user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subsidiary_id`) REFERENCES `subsidiaries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `disclosures_lead_idx` ON `disclosures` (`lead_id`);--> statement-breakpoint
CREATE TABLE `lead_activities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`kind` text NOT NULL,
	`body` text,
	`from_value` text,
	`to_value` text,
	`actor_user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lead_activities_lead_idx` ON `lead_activities` (`lead_id`,`at`);--> statement-breakpoint
CREATE TABLE `leads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`subsidiary_id` integer NOT NULL,
	`name` text,
	`email` text,
	`phone` text,
	`message` text,
	`source` text NOT NULL,
	`policy_version_id` integer,
	`status` text DEFAULT 'new' NOT NULL,
	`assignee_user_id` integer,
	`restricted` integer DEFAULT false NOT NULL,
	`legal_hold` integer DEFAULT false NOT NULL,
	`legal_hold_reason` text,
	`consent_email` integer DEFAULT false NOT NULL,
	`consent_sms` integer DEFAULT false NOT NULL,
	`unsubscribe_token_hash` text,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	`status_changed_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL,
	`anonymised_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subsidiary_id`) REFERENCES `subsidiaries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`policy_version_id`) REFERENCES `policy_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leads_unsubscribe_token_hash_unique` ON `leads` (`unsubscribe_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `leads_idempotency_key_unique` ON `leads` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_created_idx` ON `leads` (`subsidiary_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_created_idx` ON `leads` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_project_created_idx` ON `leads` (`project_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_status_idx` ON `leads` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `leads_email_idx` ON `leads` (`email`);--> statement-breakpoint
CREATE INDEX `leads_phone_idx` ON `leads` (`phone`);--> statement-breakpoint
CREATE INDEX `leads_activity_idx` ON `leads` (`last_activity_at`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`email_hash` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `dsr_leads` (
	`dsr_id` integer NOT NULL,
	`lead_id` integer NOT NULL,
	FOREIGN KEY (`dsr_id`) REFERENCES `dsr_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dsr_leads_lead_idx` ON `dsr_leads` (`lead_id`);--> statement-breakpoint
CREATE INDEX `dsr_leads_dsr_idx` ON `dsr_leads` (`dsr_id`);--> statement-breakpoint
CREATE TABLE `dsr_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`subject_email` text,
	`subject_phone` text,
	`channel` text NOT NULL,
	`received_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`extended_reason` text,
	`status` text DEFAULT 'received' NOT NULL,
	`status_changed_at` integer NOT NULL,
	`status_changed_by_user_id` integer,
	`verification_note` text,
	`outcome` text,
	`created_by_user_id` integer,
	FOREIGN KEY (`status_changed_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`lead_id` integer,
	`subsidiary_id` integer,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_lead_idx` ON `outbox` (`lead_id`);--> statement-breakpoint
CREATE TABLE `saved_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`owner_user_id` integer NOT NULL,
	`visibility` text NOT NULL,
	`subsidiary_id` integer,
	`filter` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `saved_views_owner_idx` ON `saved_views` (`owner_user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `project_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`from_subsidiary_id` integer,
	`to_subsidiary_id` integer NOT NULL,
	`actor_user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_subsidiary_id`) REFERENCES `subsidiaries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_subsidiary_id`) REFERENCES `subsidiaries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `project_assignments_project_idx` ON `project_assignments` (`project_id`,`at`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`place` text NOT NULL,
	`status` text NOT NULL,
	`subsidiary_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`subsidiary_id`) REFERENCES `subsidiaries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_slug_unique` ON `projects` (`slug`);--> statement-breakpoint
CREATE INDEX `projects_subsidiary_idx` ON `projects` (`subsidiary_id`);--> statement-breakpoint
CREATE TABLE `subsidiaries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`org_number` text NOT NULL,
	`contact_email` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subsidiaries_org_number_unique` ON `subsidiaries` (`org_number`);--> statement-breakpoint
CREATE TABLE `policy_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`effective_date` text NOT NULL,
	`body` text NOT NULL,
	`published_at` integer NOT NULL,
	`published_by_user_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_versions_label_unique` ON `policy_versions` (`label`);