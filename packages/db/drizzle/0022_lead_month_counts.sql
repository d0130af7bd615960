CREATE TABLE `lead_month_counts` (
	`month` text NOT NULL,
	`subsidiary_id` integer NOT NULL,
	`project_id` integer NOT NULL,
	`n` integer NOT NULL,
	`consent_email` integer NOT NULL,
	`consent_sms` integer NOT NULL,
	`status_new` integer NOT NULL,
	`status_contacted` integer NOT NULL,
	`status_follow_up` integer NOT NULL,
	`status_sold` integer NOT NULL,
	`status_closed` integer NOT NULL,
	PRIMARY KEY(`month`, `subsidiary_id`, `project_id`)
) WITHOUT ROWID;
--> statement-breakpoint
-- lead_month_counts follows lead_day_counts beside lead_week_counts (migration 0018), trigger
-- for trigger: every change to a day row adds its difference to the row of that day's Oslo
-- calendar month ('YYYY-MM-01', cut from the day itself: no date arithmetic). The 0014 and
-- 0018 triggers are left as they are. Backfill from the day rows, then triggers.
INSERT INTO lead_month_counts (month, subsidiary_id, project_id, n, consent_email, consent_sms, status_new, status_contacted, status_follow_up, status_sold, status_closed)
  SELECT substr(day, 1, 8) || '01' AS m, subsidiary_id, project_id, sum(n), sum(consent_email), sum(consent_sms),
    sum(case when status = 'new' then n else 0 end), sum(case when status = 'contacted' then n else 0 end), sum(case when status = 'follow_up' then n else 0 end), sum(case when status = 'sold' then n else 0 end), sum(case when status = 'closed' then n else 0 end)
  FROM lead_day_counts GROUP BY m, subsidiary_id, project_id;
--> statement-breakpoint
CREATE TRIGGER lead_month_counts_day_insert AFTER INSERT ON lead_day_counts BEGIN
  INSERT INTO lead_month_counts (month, subsidiary_id, project_id, n, consent_email, consent_sms, status_new, status_contacted, status_follow_up, status_sold, status_closed)
    VALUES (substr(new.day, 1, 8) || '01', new.subsidiary_id, new.project_id, new.n, new.consent_email, new.consent_sms, (case when new.status = 'new' then new.n else 0 end), (case when new.status = 'contacted' then new.n else 0 end), (case when new.status = 'follow_up' then new.n else 0 end), (case when new.status = 'sold' then new.n else 0 end), (case when new.status = 'closed' then new.n else 0 end))
    ON CONFLICT (month, subsidiary_id, project_id) DO UPDATE SET
      n = n + excluded.n, consent_email = consent_email + excluded.consent_email, consent_sms = consent_sms + excluded.consent_sms,
      status_new = status_new + excluded.status_new, status_contacted = status_contacted + excluded.status_contacted, status_follow_up = status_follow_up + excluded.status_follow_up, status_sold = status_sold + excluded.status_sold, status_closed = status_closed + excluded.status_closed;
END;
--> statement-breakpoint
-- The 0014 triggers change only n and the consent sums of a day row (the hot path: one UPDATE).
CREATE TRIGGER lead_month_counts_day_update AFTER UPDATE ON lead_day_counts WHEN old.day = new.day AND old.subsidiary_id = new.subsidiary_id AND old.project_id = new.project_id AND old.status = new.status BEGIN
  UPDATE lead_month_counts SET n = n + new.n - old.n, consent_email = consent_email + new.consent_email - old.consent_email,
    consent_sms = consent_sms + new.consent_sms - old.consent_sms,
    status_new = status_new + (case when new.status = 'new' then new.n - old.n else 0 end), status_contacted = status_contacted + (case when new.status = 'contacted' then new.n - old.n else 0 end), status_follow_up = status_follow_up + (case when new.status = 'follow_up' then new.n - old.n else 0 end), status_sold = status_sold + (case when new.status = 'sold' then new.n - old.n else 0 end), status_closed = status_closed + (case when new.status = 'closed' then new.n - old.n else 0 end)
    WHERE month = substr(new.day, 1, 8) || '01' AND subsidiary_id = new.subsidiary_id AND project_id = new.project_id;
  DELETE FROM lead_month_counts WHERE month = substr(new.day, 1, 8) || '01' AND subsidiary_id = new.subsidiary_id AND project_id = new.project_id AND n = 0;
END;
--> statement-breakpoint
-- A day row's key changed (no trigger does this; kept right all the same): move its counts.
CREATE TRIGGER lead_month_counts_day_rekey AFTER UPDATE ON lead_day_counts WHEN NOT (old.day = new.day AND old.subsidiary_id = new.subsidiary_id AND old.project_id = new.project_id AND old.status = new.status) BEGIN
  UPDATE lead_month_counts SET n = n - old.n, consent_email = consent_email - old.consent_email, consent_sms = consent_sms - old.consent_sms, status_new = status_new - (case when old.status = 'new' then old.n else 0 end), status_contacted = status_contacted - (case when old.status = 'contacted' then old.n else 0 end), status_follow_up = status_follow_up - (case when old.status = 'follow_up' then old.n else 0 end), status_sold = status_sold - (case when old.status = 'sold' then old.n else 0 end), status_closed = status_closed - (case when old.status = 'closed' then old.n else 0 end) WHERE month = substr(old.day, 1, 8) || '01' AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id;
  DELETE FROM lead_month_counts WHERE month = substr(old.day, 1, 8) || '01' AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND n = 0;
  INSERT INTO lead_month_counts (month, subsidiary_id, project_id, n, consent_email, consent_sms, status_new, status_contacted, status_follow_up, status_sold, status_closed)
    VALUES (substr(new.day, 1, 8) || '01', new.subsidiary_id, new.project_id, new.n, new.consent_email, new.consent_sms, (case when new.status = 'new' then new.n else 0 end), (case when new.status = 'contacted' then new.n else 0 end), (case when new.status = 'follow_up' then new.n else 0 end), (case when new.status = 'sold' then new.n else 0 end), (case when new.status = 'closed' then new.n else 0 end))
    ON CONFLICT (month, subsidiary_id, project_id) DO UPDATE SET
      n = n + excluded.n, consent_email = consent_email + excluded.consent_email, consent_sms = consent_sms + excluded.consent_sms,
      status_new = status_new + excluded.status_new, status_contacted = status_contacted + excluded.status_contacted, status_follow_up = status_follow_up + excluded.status_follow_up, status_sold = status_sold + excluded.status_sold, status_closed = status_closed + excluded.status_closed;
END;
--> statement-breakpoint
CREATE TRIGGER lead_month_counts_day_delete AFTER DELETE ON lead_day_counts BEGIN
  UPDATE lead_month_counts SET n = n - old.n, consent_email = consent_email - old.consent_email, consent_sms = consent_sms - old.consent_sms, status_new = status_new - (case when old.status = 'new' then old.n else 0 end), status_contacted = status_contacted - (case when old.status = 'contacted' then old.n else 0 end), status_follow_up = status_follow_up - (case when old.status = 'follow_up' then old.n else 0 end), status_sold = status_sold - (case when old.status = 'sold' then old.n else 0 end), status_closed = status_closed - (case when old.status = 'closed' then old.n else 0 end) WHERE month = substr(old.day, 1, 8) || '01' AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id;
  DELETE FROM lead_month_counts WHERE month = substr(old.day, 1, 8) || '01' AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND n = 0;
END;
