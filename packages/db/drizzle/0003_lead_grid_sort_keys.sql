ALTER TABLE `leads` ADD `name_sort` text GENERATED ALWAYS AS (coalesce(replace(replace(replace(replace(replace(replace(lower(name), 'æ', '{'), 'Æ', '{'), 'ø', '|'), 'Ø', '|'), 'å', '}'), 'Å', '}'), '')) VIRTUAL NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `status_rank` integer GENERATED ALWAYS AS ((case status when 'new' then 0 when 'contacted' then 1 when 'follow_up' then 2 when 'sold' then 3 when 'closed' then 4 else 5 end)) VIRTUAL NOT NULL;--> statement-breakpoint
CREATE INDEX `leads_subsidiary_activity_idx` ON `leads` (`subsidiary_id`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_name_sort_idx` ON `leads` (`name_sort`,`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_name_sort_idx` ON `leads` (`subsidiary_id`,`name_sort`,`id`);--> statement-breakpoint
CREATE INDEX `leads_status_rank_idx` ON `leads` (`status_rank`,`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_status_rank_idx` ON `leads` (`subsidiary_id`,`status_rank`,`id`);--> statement-breakpoint
CREATE INDEX `leads_assignee_idx` ON `leads` (`assignee_user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_filter_idx` ON `leads` (`subsidiary_id`,`status_rank`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`,`project_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `leads_restricted_idx` ON `leads` (`subsidiary_id`,`created_at`) WHERE restricted = 1;--> statement-breakpoint
CREATE INDEX `leads_legal_hold_idx` ON `leads` (`subsidiary_id`,`created_at`) WHERE legal_hold = 1;--> statement-breakpoint
CREATE INDEX `leads_anonymised_idx` ON `leads` (`created_at`,`id`) WHERE anonymised_at is not null;--> statement-breakpoint
CREATE INDEX `leads_unhandled_idx` ON `leads` (`subsidiary_id`,`created_at`) WHERE status = 'new' and assignee_user_id is null;