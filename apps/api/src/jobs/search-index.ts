import { type Db, mergeSearchIndex, type SearchIndexMerge, searchIndexSegments } from '@mg/db';
import { Cron } from 'croner';
import type { Logger } from '../lib/logger';
import { databaseFile, startWorkerBeside } from '../lib/worker-thread';

export type MergeRun = SearchIndexMerge & { segments: number; threadId: number };

/**
 * One merge of the full-text index: in a worker thread on its own connection (a step can
 * take seconds at 1M, decision 058), or on this thread for an in-memory database, which no
 * worker can open (tests). `signal` stops it after the current step.
 */
export function mergeSearchIndexOffThread(db: Db, signal?: AbortSignal): Promise<MergeRun> {
  const file = databaseFile(db);
  if (!file)
    return mergeSearchIndex(db, { signal }).then((merged) => ({
      ...merged,
      segments: searchIndexSegments(db),
      threadId: 0,
    }));
  return new Promise((settle, reject) => {
    const worker = startWorkerBeside(import.meta.url, 'search-index-worker', { file });
    const stop = () => worker.postMessage('stop');
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    worker.once('message', (answer: { result?: MergeRun; error?: string }) => {
      signal?.removeEventListener('abort', stop);
      if (answer.result) settle(answer.result);
      else reject(new Error(answer.error ?? 'the search index worker gave no answer'));
    });
    worker.once('error', reject);
    // After an answer the promise is settled already; this only ends a worker that died.
    worker.once('exit', (code) => reject(new Error(`the search index worker stopped (${code})`)));
  });
}

/**
 * The nightly merge of the full-text index into one b-tree (Europe/Oslo; decisions 057 and
 * 058): a day's intake leaves a segment per batch, and each segment is one more lookup for
 * every term a search asks for. In steps, in a worker whose connection checkpoints the WAL
 * itself (every 10,000 pages), so requests go on meanwhile; intake waits for the write lock
 * during a long step (its busy timeout is 5 s). `protect` keeps two runs from overlapping.
 */
export function scheduleSearchIndexMerge(deps: { db: Db; pattern: string; log: Logger }) {
  const stopping = new AbortController();
  const job = new Cron(deps.pattern, { protect: true, timezone: 'Europe/Oslo' }, async () => {
    try {
      const merged = await mergeSearchIndexOffThread(deps.db, stopping.signal);
      deps.log.info(
        {
          steps: merged.steps,
          ms: Math.round(merged.ms),
          longestStepMs: Math.round(merged.longestStepMs),
          segments: merged.segments,
        },
        'search index merged',
      );
    } catch (error) {
      deps.log.error({ err: error }, 'search index merge failed');
    }
  });
  return {
    /** No more runs, and a run under way stops after its current step (shutdown). */
    stop() {
      job.stop();
      stopping.abort();
    },
  };
}
