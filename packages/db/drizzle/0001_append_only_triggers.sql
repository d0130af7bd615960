-- The access log and consent history are append-only: the database itself refuses changes.
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER access_log_targets_no_update BEFORE UPDATE ON access_log_targets
BEGIN SELECT RAISE(ABORT, 'access_log_targets is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER access_log_targets_no_delete BEFORE DELETE ON access_log_targets
BEGIN SELECT RAISE(ABORT, 'access_log_targets is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
