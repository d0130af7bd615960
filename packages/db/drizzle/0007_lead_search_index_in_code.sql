-- The full-text row of a new lead is written by the code that inserts the lead
-- (insertLead / indexLeadsForSearch in src/queries/leads.ts), in the same transaction,
-- instead of by an AFTER INSERT trigger. FTS5 flushes its pending terms to a new segment
-- at every savepoint and every statement that opens a statement journal, so with the
-- trigger each form of an intake batch wrote (and later merged) its own tiny segment in
-- all three indexes (terms, 2- and 3-letter prefixes). Intake now indexes a whole batch
-- with one statement (decision 004). Updates and deletes keep their triggers.
DROP TRIGGER IF EXISTS leads_fts_insert;
