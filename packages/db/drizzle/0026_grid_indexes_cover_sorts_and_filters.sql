DROP INDEX `leads_project_created_idx`;--> statement-breakpoint
DROP INDEX `leads_activity_idx`;--> statement-breakpoint
DROP INDEX `leads_subsidiary_activity_idx`;--> statement-breakpoint
DROP INDEX `leads_name_sort_idx`;--> statement-breakpoint
DROP INDEX `leads_subsidiary_name_sort_idx`;--> statement-breakpoint
DROP INDEX `leads_email_sort_idx`;--> statement-breakpoint
DROP INDEX `leads_subsidiary_email_sort_idx`;--> statement-breakpoint
DROP INDEX `leads_status_rank_idx`;--> statement-breakpoint
DROP INDEX `leads_subsidiary_status_rank_idx`;--> statement-breakpoint
DROP INDEX `leads_assignee_idx`;--> statement-breakpoint
DROP INDEX `leads_subsidiary_project_created_idx`;--> statement-breakpoint
DROP INDEX `leads_subsidiary_assignee_idx`;--> statement-breakpoint
CREATE INDEX `leads_project_created_idx` ON `leads` (`project_id`,`created_at`,`id`,`last_activity_at`,`name_sort`,`email_sort`,`status_rank`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`,`subsidiary_id`);--> statement-breakpoint
CREATE INDEX `leads_activity_idx` ON `leads` (`last_activity_at`,`id`,`created_at`,`status_rank`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_activity_idx` ON `leads` (`subsidiary_id`,`last_activity_at`,`id`,`created_at`,`status_rank`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_name_sort_idx` ON `leads` (`name_sort`,`id`,`created_at`,`status_rank`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_name_sort_idx` ON `leads` (`subsidiary_id`,`name_sort`,`id`,`created_at`,`status_rank`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_email_sort_idx` ON `leads` (`email_sort`,`id`,`created_at`,`status_rank`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_email_sort_idx` ON `leads` (`subsidiary_id`,`email_sort`,`id`,`created_at`,`status_rank`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_status_rank_idx` ON `leads` (`status_rank`,`id`,`created_at`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_status_rank_idx` ON `leads` (`subsidiary_id`,`status_rank`,`id`,`created_at`,`project_id`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_assignee_idx` ON `leads` (`assignee_user_id`,`created_at`,`id`,`last_activity_at`,`name_sort`,`email_sort`,`status_rank`,`project_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`,`subsidiary_id`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_project_created_idx` ON `leads` (`subsidiary_id`,`project_id`,`created_at`,`id`,`last_activity_at`,`name_sort`,`email_sort`,`status_rank`,`assignee_user_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
CREATE INDEX `leads_subsidiary_assignee_idx` ON `leads` (`subsidiary_id`,`assignee_user_id`,`created_at`,`id`,`last_activity_at`,`name_sort`,`email_sort`,`status_rank`,`project_id`,`consent_email`,`consent_sms`,`restricted`,`legal_hold`,`anonymised_at`);--> statement-breakpoint
-- Statistics for the rebuilt indexes, where the database has statistics (as 0017: DROP INDEX
-- took their rows, and without a row SQLite guesses `subsidiary_id = ?` narrows to ten rows).
-- A database without statistics stays without.
ANALYZE sqlite_master;--> statement-breakpoint
CREATE TEMP TABLE `migration_0026_stats` AS
  SELECT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = 'leads' AND idx IS NOT NULL) AS had;--> statement-breakpoint
ANALYZE `leads_project_created_idx`;--> statement-breakpoint
ANALYZE `leads_assignee_idx`;--> statement-breakpoint
ANALYZE `leads_subsidiary_project_created_idx`;--> statement-breakpoint
ANALYZE `leads_subsidiary_assignee_idx`;--> statement-breakpoint
ANALYZE `leads_activity_idx`;--> statement-breakpoint
ANALYZE `leads_subsidiary_activity_idx`;--> statement-breakpoint
ANALYZE `leads_name_sort_idx`;--> statement-breakpoint
ANALYZE `leads_subsidiary_name_sort_idx`;--> statement-breakpoint
ANALYZE `leads_email_sort_idx`;--> statement-breakpoint
ANALYZE `leads_subsidiary_email_sort_idx`;--> statement-breakpoint
ANALYZE `leads_status_rank_idx`;--> statement-breakpoint
ANALYZE `leads_subsidiary_status_rank_idx`;--> statement-breakpoint
DELETE FROM sqlite_stat1
  WHERE (SELECT had FROM temp.`migration_0026_stats`) = 0
    AND (idx IN ('leads_project_created_idx', 'leads_assignee_idx',
                 'leads_subsidiary_project_created_idx', 'leads_subsidiary_assignee_idx',
                 'leads_activity_idx', 'leads_subsidiary_activity_idx', 'leads_name_sort_idx',
                 'leads_subsidiary_name_sort_idx', 'leads_email_sort_idx',
                 'leads_subsidiary_email_sort_idx', 'leads_status_rank_idx',
                 'leads_subsidiary_status_rank_idx')
         OR (tbl = 'sqlite_master' AND idx IS NULL));--> statement-breakpoint
DROP TABLE temp.`migration_0026_stats`;--> statement-breakpoint
-- Reload the statistics from the table, as it now is, into this connection.
ANALYZE sqlite_master;
