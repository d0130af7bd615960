-- Search at a million leads. The contentless FTS table is rebuilt with
--  * prefix indexes for 2 and 3 characters, so a short prefix ("ol") reads one prefix
--    doclist instead of merging every term that starts with it;
--  * a `scope` column holding one token per lead, 's' || subsidiary_id, so a subsidiary
--    user's search is intersected with their subsidiary inside FTS itself. Searches never
--    match this column: the query layer limits typed words to the four personal columns.
-- Anonymised leads get no row (as before); secure-delete stays on so removed entries do
-- not linger in free pages.
DROP TRIGGER IF EXISTS leads_fts_insert;
--> statement-breakpoint
DROP TRIGGER IF EXISTS leads_fts_update;
--> statement-breakpoint
DROP TRIGGER IF EXISTS leads_fts_delete;
--> statement-breakpoint
DROP TABLE IF EXISTS leads_fts;
--> statement-breakpoint
CREATE VIRTUAL TABLE leads_fts USING fts5(
  name, email, phone, message, scope,
  content = '', contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 0",
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO leads_fts(leads_fts, rank) VALUES ('secure-delete', 1);
--> statement-breakpoint
INSERT INTO leads_fts(rowid, name, email, phone, message, scope)
SELECT id, name, email, phone || ' ' || substr(phone, 4), message, 's' || subsidiary_id
FROM leads WHERE anonymised_at IS NULL;
--> statement-breakpoint
INSERT INTO leads_fts(leads_fts) VALUES ('optimize');
--> statement-breakpoint
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
  INSERT INTO leads_fts(rowid, name, email, phone, message, scope)
  SELECT new.id, new.name, new.email, new.phone || ' ' || substr(new.phone, 4), new.message,
         's' || new.subsidiary_id
  WHERE new.anonymised_at IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER leads_fts_update
AFTER UPDATE OF name, email, phone, message, subsidiary_id, anonymised_at ON leads BEGIN
  DELETE FROM leads_fts WHERE rowid = old.id;
  INSERT INTO leads_fts(rowid, name, email, phone, message, scope)
  SELECT new.id, new.name, new.email, new.phone || ' ' || substr(new.phone, 4), new.message,
         's' || new.subsidiary_id
  WHERE new.anonymised_at IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
  DELETE FROM leads_fts WHERE rowid = old.id;
END;
