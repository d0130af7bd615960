-- drizzle-kit splits an index expression at its commas; the two expression indexes are
-- written out by hand (the same text as nameSortSql('name') in schema/name-sort.ts).
CREATE INDEX `users_name_sort_idx` ON `users` (coalesce(replace(replace(replace(replace(replace(replace(lower(name), 'æ', '{'), 'Æ', '{'), 'ø', '|'), 'Ø', '|'), 'å', '}'), 'Å', '}'), ''),`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_project_created_idx` ON `leads` (`subsidiary_id`,`project_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_assignee_idx` ON `leads` (`subsidiary_id`,`assignee_user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `projects_name_sort_idx` ON `projects` (coalesce(replace(replace(replace(replace(replace(replace(lower(name), 'æ', '{'), 'Æ', '{'), 'ø', '|'), 'Ø', '|'), 'å', '}'), 'Å', '}'), ''),`id`);--> statement-breakpoint
-- Statistics for the new indexes, where the database has statistics (ANALYZE or PRAGMA
-- optimize ran): without a row of its own, SQLite guesses an index narrows `subsidiary_id = ?`
-- to ten rows and takes a new (subsidiary_id, ...) index for every scoped grid page, sorting
-- the whole subsidiary in a temporary B-tree (measured at 1M leads: 1 s a page). A database
-- without statistics stays without (the plans are made to work both ways, decision 005).
ANALYZE sqlite_master;--> statement-breakpoint
CREATE TEMP TABLE `migration_0017_stats` AS
  SELECT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = 'leads' AND idx IS NOT NULL) AS had;--> statement-breakpoint
ANALYZE `leads_subsidiary_project_created_idx`;--> statement-breakpoint
ANALYZE `leads_subsidiary_assignee_idx`;--> statement-breakpoint
ANALYZE `projects_name_sort_idx`;--> statement-breakpoint
ANALYZE `users_name_sort_idx`;--> statement-breakpoint
DELETE FROM sqlite_stat1
  WHERE (SELECT had FROM temp.`migration_0017_stats`) = 0
    AND (idx IN ('leads_subsidiary_project_created_idx', 'leads_subsidiary_assignee_idx',
                 'projects_name_sort_idx', 'users_name_sort_idx')
         OR (tbl = 'sqlite_master' AND idx IS NULL));--> statement-breakpoint
DROP TABLE temp.`migration_0017_stats`;--> statement-breakpoint
-- Reload the statistics from the table, as it now is, into this connection.
ANALYZE sqlite_master;
