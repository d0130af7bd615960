DROP INDEX `leads_anonymised_idx`;--> statement-breakpoint
CREATE INDEX `leads_anonymised_cover_idx` ON `leads` (`subsidiary_id`,`created_at`,`id`,`last_activity_at`,`status`,`status_rank`,`name_sort`,`email_sort`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`) WHERE anonymised_at is not null;--> statement-breakpoint
-- Statistics for the new index where the database has statistics (as 0017 does): without a
-- row of its own SQLite guesses ten rows per subsidiary on it and would take it for scoped
-- pages that have nothing to do with anonymised leads. A database without statistics stays
-- without (the plans work both ways, decision 005).
ANALYZE sqlite_master;--> statement-breakpoint
CREATE TEMP TABLE `migration_0020_stats` AS
  SELECT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = 'leads' AND idx IS NOT NULL) AS had;--> statement-breakpoint
DELETE FROM sqlite_stat1 WHERE idx = 'leads_anonymised_idx';--> statement-breakpoint
ANALYZE `leads_anonymised_cover_idx`;--> statement-breakpoint
DELETE FROM sqlite_stat1
  WHERE (SELECT had FROM temp.`migration_0020_stats`) = 0
    AND (idx = 'leads_anonymised_cover_idx' OR (tbl = 'sqlite_master' AND idx IS NULL));--> statement-breakpoint
DROP TABLE temp.`migration_0020_stats`;--> statement-breakpoint
-- Reload the statistics from the table, as it now is, into this connection.
ANALYZE sqlite_master;
