ALTER TABLE `leads` ADD `email_sort` text GENERATED ALWAYS AS (coalesce(lower(email), '')) VIRTUAL NOT NULL;--> statement-breakpoint
CREATE INDEX `leads_email_sort_idx` ON `leads` (`email_sort`,`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_email_sort_idx` ON `leads` (`subsidiary_id`,`email_sort`,`id`);