-- A read-only view of the full-text index's terms (decision 038): fts5vocab keeps no data of
-- its own, it reads leads_fts's index, so creating it costs nothing at any size. The query
-- layer asks it whether any token longer than a typed word starts with that word
-- (`term >= word || '0'`, one seek): when none does, the word's prefix query is the same set
-- as its exact term, which FTS5 streams instead of merging the whole doclist first, and a
-- common whole word ("solveig", "ødegård") is never cut to its first three letters. The
-- 'instance' kind, not 'row': a row reads the whole doclist of the term it lands on to count
-- its documents (~1 ms for "martin" at 1M); an instance row reads only the first entry
-- (~0.05 ms).
CREATE VIRTUAL TABLE IF NOT EXISTS leads_fts_vocab USING fts5vocab(leads_fts, instance);
