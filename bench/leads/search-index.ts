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
  const { db } = handle;
  const random = seededRandom(seed);
  const before = searchIndexSegments(db);
  const { dayStart, top } = lastDay(handle);
  handle.sqlite.prepare('delete from leads_fts where rowid >= ?').run(dayStart);
  // No checkpointer thread here: a plain turn between steps.
  const merged = await mergeSearchIndex(db, {
    pause: () => new Promise((next) => setImmediate(next)),
  });
  const mergedTo = searchIndexSegments(db);
  indexAsIntake(handle, dayStart, top, random);
  return { before, merged, mergedTo, after: searchIndexSegments(db) };
}

/** The newest `DAY_OF_INTAKE` leads' ids. */
function lastDay(handle: Database_) {
  const top =
    (handle.sqlite.prepare('select max(id) from leads').pluck().get() as number | null) ?? 0;
  return { dayStart: Math.max(1, top - DAY_OF_INTAKE + 1), top };
}

/** Leads first..top indexed as intake writes them: one batch of 10–50 forms per transaction. */
function indexAsIntake(handle: Database_, first: number, top: number, random: () => number) {
  for (let from = first; from <= top; ) {
    const last = Math.min(top, from + 10 + Math.floor(random() * 41) - 1);
    const ids = Array.from({ length: last - from + 1 }, (_, i) => from + i);
    handle.db.transaction((tx) => indexLeadsForSearch(tx, ids));
    from = last + 1;
  }
}

/**
 * A day's intake indexed again on top of the index as it is (the segments and tombstones a
 * night's merge meets): the newest `DAY_OF_INTAKE` leads taken out and written back as
 * intake writes them.
 */
export function reindexDayOfIntake(handle: Database_, random: () => number) {
  const { dayStart, top } = lastDay(handle);
  handle.sqlite.prepare('delete from leads_fts where rowid >= ?').run(dayStart);
  indexAsIntake(handle, dayStart, top, random);
}
