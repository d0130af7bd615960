-- Full-text search over the lead's personal fields. Contentless, so the index keeps no
-- copy of the text; rows are removed by rowid when a lead changes or is anonymised, and
-- secure-delete makes the removal irreversible. Phone numbers are indexed both in E.164
-- digits and without the country code, so "912 34 567" finds "+4791234567".
CREATE VIRTUAL TABLE leads_fts USING fts5(
  name, email, phone, message,
  content = '', contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 0"
);
--> statement-breakpoint
INSERT INTO leads_fts(leads_fts, rank) VALUES ('secure-delete', 1);
--> statement-breakpoint
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
  INSERT INTO leads_fts(rowid, name, email, phone, message)
  VALUES (new.id, new.name, new.email, new.phone || ' ' || substr(new.phone, 4), new.message);
END;
--> statement-breakpoint
CREATE TRIGGER leads_fts_update AFTER UPDATE OF name, email, phone, message ON leads BEGIN
  DELETE FROM leads_fts WHERE rowid = old.id;
  INSERT INTO leads_fts(rowid, name, email, phone, message)
  SELECT new.id, new.name, new.email, new.phone || ' ' || substr(new.phone, 4), new.message
  WHERE new.anonymised_at IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
  DELETE FROM leads_fts WHERE rowid = old.id;
END;
