import { walPacer } from './checkpointer';
import { type Db, sqliteOf } from './client';

/**
 * The full-text index merged into one b-tree, a few pages at a time (decision 057).
 *
 * Intake writes a segment per group-commit batch and FTS5's automerge keeps them in levels,
 * so a live index holds dozens of segments, and every term a search asks for is looked up in
 * each: at 1M leads (bench/leads, built as intake builds it) a rare full name's match cost
 * ~0.8–1.7 ms and one seek in the term list ~0.3–0.6 ms, against ~0.07 and ~0.05 ms after an
 * 'optimize'. A search asks for terms several times (the plan's probes, the page, the count),
 * so that is a few milliseconds of every search. 'optimize' does it in one transaction (~11 s
 * at 1M: intake would wait past its busy timeout); FTS5's 'merge' command does the same work
 * in steps of about `pages` pages. Every step asks with a negative count: segments on more
 * than one level are first put on one, and as few as two are merged (a positive count leaves
 * fewer than four on a level alone, and a merge left under way by an earlier run would end
 * with two or more segments). Steps go on until one changes nothing.
 */
export const SEARCH_MERGE_PAGES = 64;

export interface SearchIndexMerge {
  steps: number;
  ms: number;
  /** The longest single step (one write transaction, holding the event loop). */
  longestStepMs: number;
}

export async function mergeSearchIndex(
  db: Db,
  {
    pages = SEARCH_MERGE_PAGES,
    pause = walPacer(db),
    signal,
  }: {
    pages?: number;
    pause?: () => Promise<void>;
    /** Stops between two steps (shutdown): the index is whole after every step. */
    signal?: AbortSignal;
  } = {},
): Promise<SearchIndexMerge> {
  const sqlite = sqliteOf(db);
  const merge = sqlite.prepare(`insert into leads_fts(leads_fts, rank) values('merge', ?)`);
  const changes = sqlite.prepare('select total_changes()').pluck();
  const step = Math.max(1, Math.round(pages));
  const started = performance.now();
  let steps = 0;
  let longestStepMs = 0;
  // Bounded whatever the index: each step writes ~`pages` pages, and a merge never rewrites
  // more than the index holds; the cap only guards against a step that reports work forever.
  for (let more = true; more && steps < 100_000; ) {
    await pause();
    if (signal?.aborted) break;
    const stepStarted = performance.now();
    const before = changes.get() as number;
    merge.run(-step);
    // FTS5's own signal: a step that merged anything changed at least two rows.
    more = (changes.get() as number) - before >= 2;
    steps++;
    longestStepMs = Math.max(longestStepMs, performance.now() - stepStarted);
  }
  return { steps, ms: performance.now() - started, longestStepMs };
}

/**
 * How many segments the index has: its pages are stored under rowids that carry the segment id
 * above bit 37 (FTS5_SEGMENT_ROWID). A test and bench figure.
 */
export function searchIndexSegments(db: Db): number {
  return sqliteOf(db)
    .prepare(`select count(distinct id >> 37) from leads_fts_data where id >= 137438953472`)
    .pluck()
    .get() as number;
}
