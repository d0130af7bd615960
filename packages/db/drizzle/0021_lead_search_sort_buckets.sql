-- Sort-key bucket tokens in the full-text row (decision 031). The contentless FTS table is
-- rebuilt (FTS5 cannot add a column) with a sixth column, `sortkey`, holding six tokens per
-- lead: 'n' and 'e' followed by the hex of the first two, three and four bytes of name_sort
-- and of email_sort ('ola hansen' → n6f6c n6f6c61 n6f6c6120 …). Hex keeps every byte a token
-- character, and a byte prefix of a sort key is a contiguous stretch of its index. A dense search sorted by name or
-- e-mail asks FTS which of its matches lie OUTSIDE the buckets its words point at
-- ("ærle" → n7b726c65): when that is a short list, the page is those few rows merged with a
-- short walk of the pointed-at buckets, instead of a walk of the whole sort index against
-- the whole match set. Searches never match this column (the query layer limits typed
-- words to the four personal columns). Everything else as in migrations 0004 and 0007:
-- anonymised leads get no row, secure-delete stays on, the new lead's row is written by the
-- code that inserts it (indexLeadsForSearch), updates and deletes by triggers.
DROP TRIGGER IF EXISTS leads_fts_update;
--> statement-breakpoint
DROP TRIGGER IF EXISTS leads_fts_delete;
--> statement-breakpoint
DROP TABLE IF EXISTS leads_fts;
--> statement-breakpoint
CREATE VIRTUAL TABLE leads_fts USING fts5(
  name, email, phone, message, scope, sortkey,
  content = '', contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 0",
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO leads_fts(leads_fts, rank) VALUES ('secure-delete', 1);
--> statement-breakpoint
INSERT INTO leads_fts(rowid, name, email, phone, message, scope, sortkey)
SELECT id, name, email, phone || ' ' || substr(phone, 4), message, 's' || subsidiary_id,
       'n' || hex(substr(cast(name_sort AS blob), 1, 2)) || ' ' ||
         'n' || hex(substr(cast(name_sort AS blob), 1, 3)) || ' ' ||
         'n' || hex(substr(cast(name_sort AS blob), 1, 4)) || ' ' ||
         'e' || hex(substr(cast(email_sort AS blob), 1, 2)) || ' ' ||
         'e' || hex(substr(cast(email_sort AS blob), 1, 3)) || ' ' ||
         'e' || hex(substr(cast(email_sort AS blob), 1, 4))
FROM leads WHERE anonymised_at IS NULL;
--> statement-breakpoint
CREATE TRIGGER leads_fts_update
AFTER UPDATE OF name, email, phone, message, subsidiary_id, anonymised_at ON leads BEGIN
  DELETE FROM leads_fts WHERE rowid = old.id;
  INSERT INTO leads_fts(rowid, name, email, phone, message, scope, sortkey)
  SELECT new.id, new.name, new.email, new.phone || ' ' || substr(new.phone, 4), new.message,
         's' || new.subsidiary_id,
         'n' || hex(substr(cast(new.name_sort AS blob), 1, 2)) || ' ' ||
         'n' || hex(substr(cast(new.name_sort AS blob), 1, 3)) || ' ' ||
         'n' || hex(substr(cast(new.name_sort AS blob), 1, 4)) || ' ' ||
         'e' || hex(substr(cast(new.email_sort AS blob), 1, 2)) || ' ' ||
         'e' || hex(substr(cast(new.email_sort AS blob), 1, 3)) || ' ' ||
         'e' || hex(substr(cast(new.email_sort AS blob), 1, 4))
  WHERE new.anonymised_at IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
  DELETE FROM leads_fts WHERE rowid = old.id;
END;
