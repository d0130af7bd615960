CREATE TABLE `lead_day_counts` (
	`day` text NOT NULL,
	`subsidiary_id` integer NOT NULL,
	`project_id` integer NOT NULL,
	`status` text NOT NULL,
	`n` integer NOT NULL,
	`consent_email` integer NOT NULL,
	`consent_sms` integer NOT NULL,
	PRIMARY KEY(`day`, `subsidiary_id`, `project_id`, `status`)
) WITHOUT ROWID;
--> statement-breakpoint
-- The Oslo day of created_at (ms): UTC+2 from the last Sunday of March 01:00 UTC to the last
-- Sunday of October 01:00 UTC (EU rules), else UTC+1. Backfill, then triggers keep it.
INSERT INTO lead_day_counts (day, subsidiary_id, project_id, status, n, consent_email, consent_sms)
  SELECT date(created_at / 1000 + (case when created_at / 1000 >= cast(strftime('%s', date(strftime('%Y', created_at / 1000, 'unixepoch') || '-03-25', 'weekday 0')) as integer) + 3600 and created_at / 1000 < cast(strftime('%s', date(strftime('%Y', created_at / 1000, 'unixepoch') || '-10-25', 'weekday 0')) as integer) + 3600 then 7200 else 3600 end), 'unixepoch') AS d, subsidiary_id, project_id, status, count(*), sum(consent_email), sum(consent_sms)
  FROM leads GROUP BY d, subsidiary_id, project_id, status;
--> statement-breakpoint
CREATE TRIGGER lead_day_counts_insert AFTER INSERT ON leads BEGIN
  INSERT INTO lead_day_counts (day, subsidiary_id, project_id, status, n, consent_email, consent_sms)
    VALUES (date(new.created_at / 1000 + (case when new.created_at / 1000 >= cast(strftime('%s', date(strftime('%Y', new.created_at / 1000, 'unixepoch') || '-03-25', 'weekday 0')) as integer) + 3600 and new.created_at / 1000 < cast(strftime('%s', date(strftime('%Y', new.created_at / 1000, 'unixepoch') || '-10-25', 'weekday 0')) as integer) + 3600 then 7200 else 3600 end), 'unixepoch'), new.subsidiary_id, new.project_id, new.status, 1, new.consent_email, new.consent_sms)
    ON CONFLICT (day, subsidiary_id, project_id, status) DO UPDATE SET
      n = n + 1, consent_email = consent_email + excluded.consent_email, consent_sms = consent_sms + excluded.consent_sms;
END;
--> statement-breakpoint
CREATE TRIGGER lead_day_counts_delete AFTER DELETE ON leads BEGIN
  UPDATE lead_day_counts SET n = n - 1, consent_email = consent_email - old.consent_email, consent_sms = consent_sms - old.consent_sms
    WHERE day = date(old.created_at / 1000 + (case when old.created_at / 1000 >= cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-03-25', 'weekday 0')) as integer) + 3600 and old.created_at / 1000 < cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-10-25', 'weekday 0')) as integer) + 3600 then 7200 else 3600 end), 'unixepoch') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND status = old.status;
  DELETE FROM lead_day_counts
    WHERE day = date(old.created_at / 1000 + (case when old.created_at / 1000 >= cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-03-25', 'weekday 0')) as integer) + 3600 and old.created_at / 1000 < cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-10-25', 'weekday 0')) as integer) + 3600 then 7200 else 3600 end), 'unixepoch') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND status = old.status AND n = 0;
END;
--> statement-breakpoint
CREATE TRIGGER lead_day_counts_update AFTER UPDATE OF created_at, subsidiary_id, project_id, status, consent_email, consent_sms ON leads
WHEN old.created_at IS NOT new.created_at OR old.subsidiary_id IS NOT new.subsidiary_id OR old.project_id IS NOT new.project_id
  OR old.status IS NOT new.status OR old.consent_email IS NOT new.consent_email OR old.consent_sms IS NOT new.consent_sms
BEGIN
  UPDATE lead_day_counts SET n = n - 1, consent_email = consent_email - old.consent_email, consent_sms = consent_sms - old.consent_sms
    WHERE day = date(old.created_at / 1000 + (case when old.created_at / 1000 >= cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-03-25', 'weekday 0')) as integer) + 3600 and old.created_at / 1000 < cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-10-25', 'weekday 0')) as integer) + 3600 then 7200 else 3600 end), 'unixepoch') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND status = old.status;
  DELETE FROM lead_day_counts
    WHERE day = date(old.created_at / 1000 + (case when old.created_at / 1000 >= cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-03-25', 'weekday 0')) as integer) + 3600 and old.created_at / 1000 < cast(strftime('%s', date(strftime('%Y', old.created_at / 1000, 'unixepoch') || '-10-25', 'weekday 0')) as integer) + 3600 then 7200 else 3600 end), 'unixepoch') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND status = old.status AND n = 0;
  INSERT INTO lead_day_counts (day, subsidiary_id, project_id, status, n, consent_email, consent_sms)
    VALUES (date(new.created_at / 1000 + (case when new.created_at / 1000 >= cast(strftime('%s', date(strftime('%Y', new.created_at / 1000, 'unixepoch') || '-03-25', 'weekday 0')) as integer) + 3600 and new.created_at / 1000 < cast(strftime('%s', date(strftime('%Y', new.created_at / 1000, 'unixepoch') || '-10-25', 'weekday 0')) as integer) + 3600 then 7200 else 3600 end), 'unixepoch'), new.subsidiary_id, new.project_id, new.status, 1, new.consent_email, new.consent_sms)
    ON CONFLICT (day, subsidiary_id, project_id, status) DO UPDATE SET
      n = n + 1, consent_email = consent_email + excluded.consent_email, consent_sms = consent_sms + excluded.consent_sms;
END;
--> statement-breakpoint
-- New leads nobody has taken (the dashboard's "unhandled"), per subsidiary, kept the same way.
CREATE TABLE `lead_unhandled_counts` (
	`subsidiary_id` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO lead_unhandled_counts (subsidiary_id, n)
  SELECT subsidiary_id, count(*) FROM leads WHERE leads.status = 'new' AND leads.assignee_user_id IS NULL AND leads.restricted = 0 AND leads.anonymised_at IS NULL GROUP BY subsidiary_id;
--> statement-breakpoint
CREATE TRIGGER lead_unhandled_counts_insert AFTER INSERT ON leads WHEN new.status = 'new' AND new.assignee_user_id IS NULL AND new.restricted = 0 AND new.anonymised_at IS NULL BEGIN
  INSERT INTO lead_unhandled_counts (subsidiary_id, n) SELECT new.subsidiary_id, 1 WHERE new.status = 'new' AND new.assignee_user_id IS NULL AND new.restricted = 0 AND new.anonymised_at IS NULL
    ON CONFLICT (subsidiary_id) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER lead_unhandled_counts_delete AFTER DELETE ON leads WHEN old.status = 'new' AND old.assignee_user_id IS NULL AND old.restricted = 0 AND old.anonymised_at IS NULL BEGIN
  UPDATE lead_unhandled_counts SET n = n - 1 WHERE subsidiary_id = old.subsidiary_id AND old.status = 'new' AND old.assignee_user_id IS NULL AND old.restricted = 0 AND old.anonymised_at IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER lead_unhandled_counts_update AFTER UPDATE OF status, assignee_user_id, restricted, anonymised_at, subsidiary_id ON leads
WHEN (old.status = 'new' AND old.assignee_user_id IS NULL AND old.restricted = 0 AND old.anonymised_at IS NULL) OR (new.status = 'new' AND new.assignee_user_id IS NULL AND new.restricted = 0 AND new.anonymised_at IS NULL)
BEGIN
  UPDATE lead_unhandled_counts SET n = n - 1 WHERE subsidiary_id = old.subsidiary_id AND old.status = 'new' AND old.assignee_user_id IS NULL AND old.restricted = 0 AND old.anonymised_at IS NULL;
  INSERT INTO lead_unhandled_counts (subsidiary_id, n) SELECT new.subsidiary_id, 1 WHERE new.status = 'new' AND new.assignee_user_id IS NULL AND new.restricted = 0 AND new.anonymised_at IS NULL
    ON CONFLICT (subsidiary_id) DO UPDATE SET n = n + 1;
END;
