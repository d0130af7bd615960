import { walPacer } from './checkpointer';
import { type Db, sqliteOf } from './client';

/**
 * The full-text index merged into one b-tree, a few pages at a time (decision 057).
 *
 * Intake writes a segment per group-commit batch and FTS5's automerge keeps them in levels,
 * so a live index holds a dozen segments or more, and every term a search asks for is looked
 * up in each: at 1M leads (bench/leads, built as intake builds it) a rare full name's match
 * cost ~0.8–1.7 ms and one seek in the term list ~0.3–0.6 ms, against ~0.07 and ~0.05 ms after
 * an 'optimize'. A search asks for terms several times (the plan's probes, the page, the
 * count), so that is a few milliseconds of every search. 'optimize' does it in one transaction
 * (~11 s at 1M: intake would wait past its busy timeout); FTS5's 'merge' command does the same
 * work in steps of about `pages` pages.
 *
 * In rounds: a step with a negative count puts every segment on one level and starts merging
 * them (as few as two), then positive steps carry that merge on until one changes nothing.
 * A negative count on every step would start over whenever a write adds a segment meanwhile
 * (FTS5 then re-levels the segments and drops the merge under way), so under steady intake it
 * might never end. A round can end with more than one segment: intake added some, or an
 * earlier run's merge was still under way and the negative step only carried it on (seen at
 * 1M: 5 segments → 2). The next round takes those; `MERGE_ROUNDS` at most.
 *
 * A step writes about `pages` pages, but a term's doclist in one piece however large: at 1M the
 * steps that reach the scope tokens and the 2-letter prefixes take 3–5 s. The app runs this in
 * a worker thread on its own connection (apps/api jobs/search-index-worker.ts, decision 058).
 */
export const SEARCH_MERGE_PAGES = 64;
/** Rounds of one run (see above): enough for an earlier run's merge and a night's intake. */
export const MERGE_ROUNDS = 4;

export interface SearchIndexMerge {
  steps: number;
  ms: number;
  /** The longest single step (one write transaction, holding its thread and the write lock). */
  longestStepMs: number;
}

export async function mergeSearchIndex(
  db: Db,
  {
    pages = SEARCH_MERGE_PAGES,
    pause = walPacer(db),
    signal,
    step: runStep = async (merge) => merge(),
  }: {
    pages?: number;
    pause?: () => Promise<void>;
    /** Stops between two steps (shutdown): the index is whole after every step. */
    signal?: AbortSignal;
    /**
     * Runs one step's statement: at once by default. The app's worker runs it only when the
     * thread that answers requests lets it (apps/api lib/write-gate.ts, decision 059).
     */
    step?: (merge: () => void) => Promise<void>;
  } = {},
): Promise<SearchIndexMerge> {
  const sqlite = sqliteOf(db);
  const merge = sqlite.prepare(`insert into leads_fts(leads_fts, rank) values('merge', ?)`);
  const changes = sqlite.prepare('select total_changes()').pluck();
  const step = Math.max(1, Math.round(pages));
  const started = performance.now();
  let steps = 0;
  let longestStepMs = 0;
  /** One step of `count` pages (negative: re-level first); whether it merged anything. */
  const run = async (count: number): Promise<boolean | null> => {
    await pause();
    if (signal?.aborted) return null;
    let merged: boolean | null = null;
    await runStep(() => {
      const stepStarted = performance.now();
      const before = changes.get() as number;
      merge.run(count);
      steps++;
      longestStepMs = Math.max(longestStepMs, performance.now() - stepStarted);
      // FTS5's own signal: a step that merged anything changed at least two rows.
      merged = (changes.get() as number) - before >= 2;
    });
    // null: `step` skipped it (stopped while it waited).
    return merged;
  };
  // Bounded whatever the index: each step writes ~`pages` pages and a round's merge never
  // rewrites more than the index holds; the cap only guards against steps reporting work
  // forever.
  rounds: for (let round = 0; round < MERGE_ROUNDS; round++) {
    const begun = await run(-step);
    if (!begun) break; // one segment already (or stopped)
    for (;;) {
      if (steps >= 100_000) break rounds;
      const more = await run(step);
      if (more === null) break rounds;
      if (!more) break;
    }
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
