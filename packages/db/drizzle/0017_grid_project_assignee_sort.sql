-- drizzle-kit splits an index expression at its commas; the two expression indexes are
-- written out by hand (the same text as nameSortSql('name') in schema/name-sort.ts).
CREATE INDEX `users_name_sort_idx` ON `users` (coalesce(replace(replace(replace(replace(replace(replace(lower(name), 'æ', '{'), 'Æ', '{'), 'ø', '|'), 'Ø', '|'), 'å', '}'), 'Å', '}'), ''),`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_project_created_idx` ON `leads` (`subsidiary_id`,`project_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_assignee_idx` ON `leads` (`subsidiary_id`,`assignee_user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `projects_name_sort_idx` ON `projects` (coalesce(replace(replace(replace(replace(replace(replace(lower(name), 'æ', '{'), 'Æ', '{'), 'ø', '|'), 'Ø', '|'), 'å', '}'), 'Å', '}'), ''),`id`);