import { type Database_, indexLeadsForSearch, mergeSearchIndex, searchIndexSegments } from '@mg/db';
import { seededRandom } from '@mg/shared';

/** About a day of intake at the bench's size: 1M leads over ~3 years is ~900 a day. */
export const DAY_OF_INTAKE = 2000;

/**
 * The full-text index as production has it between two nightly merges (decision 057): merged
 * by the app's own job (`mergeSearchIndex`, as `jobs/search-index.ts` runs it each night)
 * without the newest `DAY_OF_INTAKE` leads, then those indexed as a day's intake writes them:
 * one intake-sized batch (10–50 forms) per transaction, by `indexLeadsForSearch`. The bench's
 * searches then meet the segments a day leaves, not a freshly optimised index.
 */
export async function searchIndexAsInProduction(handle: Database_, seed: number) {
  const { db, sqlite } = handle;
  const random = seededRandom(seed);
  const before = searchIndexSegments(db);
  const top = (sqlite.prepare('select max(id) from leads').pluck().get() as number | null) ?? 0;
  const dayStart = Math.max(1, top - DAY_OF_INTAKE + 1);
  sqlite.prepare('delete from leads_fts where rowid >= ?').run(dayStart);
  // No checkpointer thread here: a plain turn between steps.
  const merged = await mergeSearchIndex(db, {
    pause: () => new Promise((next) => setImmediate(next)),
  });
  const mergedTo = searchIndexSegments(db);
  for (let first = dayStart; first <= top; ) {
    const last = Math.min(top, first + 10 + Math.floor(random() * 41) - 1);
    const ids = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    db.transaction((tx) => indexLeadsForSearch(tx, ids));
    first = last + 1;
  }
  return { before, merged, mergedTo, after: searchIndexSegments(db) };
}
