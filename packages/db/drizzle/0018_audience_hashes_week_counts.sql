CREATE TABLE `lead_policy_counts` (
	`policy_version_id` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `lead_week_counts` (
	`week` text NOT NULL,
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
	PRIMARY KEY(`week`, `subsidiary_id`, `project_id`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `leads` ADD `email_hmac` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `phone_hmac` text;--> statement-breakpoint
CREATE INDEX `leads_email_hmac_idx` ON `leads` (`email_hmac`);--> statement-breakpoint
CREATE INDEX `leads_phone_hmac_idx` ON `leads` (`phone_hmac`);--> statement-breakpoint
CREATE INDEX `leads_hmac_backfill_idx` ON `leads` (`id`) WHERE (email is not null and email_hmac is null) or (phone is not null and phone_hmac is null);--> statement-breakpoint
CREATE INDEX `leads_audience_email_idx` ON `leads` (`email`,`subsidiary_id`,`consent_email`,`restricted`,`anonymised_at`,`name`) WHERE consent_email = 1 and restricted = 0 and anonymised_at is null and name <> '' and email <> '';--> statement-breakpoint
CREATE INDEX `leads_audience_sms_idx` ON `leads` (`phone`,`subsidiary_id`,`consent_sms`,`restricted`,`anonymised_at`,`name`,`email`) WHERE consent_sms = 1 and restricted = 0 and anonymised_at is null and name <> '' and email <> '' and phone <> '';--> statement-breakpoint
CREATE INDEX `leads_unhandled_open_idx` ON `leads` (`subsidiary_id`,`created_at`,`status`,`assignee_user_id`,`restricted`,`anonymised_at`) WHERE status = 'new' and assignee_user_id is null and restricted = 0 and anonymised_at is null;
--> statement-breakpoint
-- lead_week_counts follows lead_day_counts (which the leads triggers of 0014 keep): every
-- change to a day row adds its difference to the row of that day's Oslo week (its Monday:
-- the Monday on or after the day less six days). Backfill from the day rows, then triggers.
INSERT INTO lead_week_counts (week, subsidiary_id, project_id, n, consent_email, consent_sms, status_new, status_contacted, status_follow_up, status_sold, status_closed)
  SELECT date(day, '-6 days', 'weekday 1') AS w, subsidiary_id, project_id, sum(n), sum(consent_email), sum(consent_sms),
    sum(case when status = 'new' then n else 0 end), sum(case when status = 'contacted' then n else 0 end), sum(case when status = 'follow_up' then n else 0 end), sum(case when status = 'sold' then n else 0 end), sum(case when status = 'closed' then n else 0 end)
  FROM lead_day_counts GROUP BY w, subsidiary_id, project_id;
--> statement-breakpoint
CREATE TRIGGER lead_week_counts_day_insert AFTER INSERT ON lead_day_counts BEGIN
  INSERT INTO lead_week_counts (week, subsidiary_id, project_id, n, consent_email, consent_sms, status_new, status_contacted, status_follow_up, status_sold, status_closed)
    VALUES (date(new.day, '-6 days', 'weekday 1'), new.subsidiary_id, new.project_id, new.n, new.consent_email, new.consent_sms, (case when new.status = 'new' then new.n else 0 end), (case when new.status = 'contacted' then new.n else 0 end), (case when new.status = 'follow_up' then new.n else 0 end), (case when new.status = 'sold' then new.n else 0 end), (case when new.status = 'closed' then new.n else 0 end))
    ON CONFLICT (week, subsidiary_id, project_id) DO UPDATE SET
      n = n + excluded.n, consent_email = consent_email + excluded.consent_email, consent_sms = consent_sms + excluded.consent_sms,
      status_new = status_new + excluded.status_new, status_contacted = status_contacted + excluded.status_contacted, status_follow_up = status_follow_up + excluded.status_follow_up, status_sold = status_sold + excluded.status_sold, status_closed = status_closed + excluded.status_closed;
END;
--> statement-breakpoint
-- The 0014 triggers change only n and the consent sums of a day row (the hot path: one UPDATE).
CREATE TRIGGER lead_week_counts_day_update AFTER UPDATE ON lead_day_counts WHEN old.day = new.day AND old.subsidiary_id = new.subsidiary_id AND old.project_id = new.project_id AND old.status = new.status BEGIN
  UPDATE lead_week_counts SET n = n + new.n - old.n, consent_email = consent_email + new.consent_email - old.consent_email,
    consent_sms = consent_sms + new.consent_sms - old.consent_sms,
    status_new = status_new + (case when new.status = 'new' then new.n - old.n else 0 end), status_contacted = status_contacted + (case when new.status = 'contacted' then new.n - old.n else 0 end), status_follow_up = status_follow_up + (case when new.status = 'follow_up' then new.n - old.n else 0 end), status_sold = status_sold + (case when new.status = 'sold' then new.n - old.n else 0 end), status_closed = status_closed + (case when new.status = 'closed' then new.n - old.n else 0 end)
    WHERE week = date(new.day, '-6 days', 'weekday 1') AND subsidiary_id = new.subsidiary_id AND project_id = new.project_id;
  DELETE FROM lead_week_counts WHERE week = date(new.day, '-6 days', 'weekday 1') AND subsidiary_id = new.subsidiary_id AND project_id = new.project_id AND n = 0;
END;
--> statement-breakpoint
-- A day row's key changed (no trigger does this; kept right all the same): move its counts.
CREATE TRIGGER lead_week_counts_day_rekey AFTER UPDATE ON lead_day_counts WHEN NOT (old.day = new.day AND old.subsidiary_id = new.subsidiary_id AND old.project_id = new.project_id AND old.status = new.status) BEGIN
  UPDATE lead_week_counts SET n = n - old.n, consent_email = consent_email - old.consent_email, consent_sms = consent_sms - old.consent_sms, status_new = status_new - (case when old.status = 'new' then old.n else 0 end), status_contacted = status_contacted - (case when old.status = 'contacted' then old.n else 0 end), status_follow_up = status_follow_up - (case when old.status = 'follow_up' then old.n else 0 end), status_sold = status_sold - (case when old.status = 'sold' then old.n else 0 end), status_closed = status_closed - (case when old.status = 'closed' then old.n else 0 end) WHERE week = date(old.day, '-6 days', 'weekday 1') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id;
  DELETE FROM lead_week_counts WHERE week = date(old.day, '-6 days', 'weekday 1') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND n = 0;
  INSERT INTO lead_week_counts (week, subsidiary_id, project_id, n, consent_email, consent_sms, status_new, status_contacted, status_follow_up, status_sold, status_closed)
    VALUES (date(new.day, '-6 days', 'weekday 1'), new.subsidiary_id, new.project_id, new.n, new.consent_email, new.consent_sms, (case when new.status = 'new' then new.n else 0 end), (case when new.status = 'contacted' then new.n else 0 end), (case when new.status = 'follow_up' then new.n else 0 end), (case when new.status = 'sold' then new.n else 0 end), (case when new.status = 'closed' then new.n else 0 end))
    ON CONFLICT (week, subsidiary_id, project_id) DO UPDATE SET
      n = n + excluded.n, consent_email = consent_email + excluded.consent_email, consent_sms = consent_sms + excluded.consent_sms,
      status_new = status_new + excluded.status_new, status_contacted = status_contacted + excluded.status_contacted, status_follow_up = status_follow_up + excluded.status_follow_up, status_sold = status_sold + excluded.status_sold, status_closed = status_closed + excluded.status_closed;
END;
--> statement-breakpoint
CREATE TRIGGER lead_week_counts_day_delete AFTER DELETE ON lead_day_counts BEGIN
  UPDATE lead_week_counts SET n = n - old.n, consent_email = consent_email - old.consent_email, consent_sms = consent_sms - old.consent_sms, status_new = status_new - (case when old.status = 'new' then old.n else 0 end), status_contacted = status_contacted - (case when old.status = 'contacted' then old.n else 0 end), status_follow_up = status_follow_up - (case when old.status = 'follow_up' then old.n else 0 end), status_sold = status_sold - (case when old.status = 'sold' then old.n else 0 end), status_closed = status_closed - (case when old.status = 'closed' then old.n else 0 end) WHERE week = date(old.day, '-6 days', 'weekday 1') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id;
  DELETE FROM lead_week_counts WHERE week = date(old.day, '-6 days', 'weekday 1') AND subsidiary_id = old.subsidiary_id AND project_id = old.project_id AND n = 0;
END;
--> statement-breakpoint
-- Leads per privacy-policy version (policy.list), kept on every write of leads.
INSERT INTO lead_policy_counts (policy_version_id, n)
  SELECT policy_version_id, count(*) FROM leads WHERE policy_version_id IS NOT NULL GROUP BY policy_version_id;
--> statement-breakpoint
CREATE TRIGGER lead_policy_counts_insert AFTER INSERT ON leads WHEN new.policy_version_id IS NOT NULL BEGIN
  INSERT INTO lead_policy_counts (policy_version_id, n) VALUES (new.policy_version_id, 1)
    ON CONFLICT (policy_version_id) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER lead_policy_counts_delete AFTER DELETE ON leads WHEN old.policy_version_id IS NOT NULL BEGIN
  UPDATE lead_policy_counts SET n = n - 1 WHERE policy_version_id = old.policy_version_id;
END;
--> statement-breakpoint
CREATE TRIGGER lead_policy_counts_update AFTER UPDATE OF policy_version_id ON leads
WHEN old.policy_version_id IS NOT new.policy_version_id BEGIN
  UPDATE lead_policy_counts SET n = n - 1 WHERE policy_version_id = old.policy_version_id;
  INSERT INTO lead_policy_counts (policy_version_id, n) SELECT new.policy_version_id, 1 WHERE new.policy_version_id IS NOT NULL
    ON CONFLICT (policy_version_id) DO UPDATE SET n = n + 1;
END;
