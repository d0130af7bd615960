import { type Db, mergeSearchIndex } from '@mg/db';
import { Cron } from 'croner';
import type { Logger } from '../lib/logger';

/**
 * The nightly merge of the full-text index into one b-tree (Europe/Oslo; decision 057): a
 * day's intake leaves a segment per batch, and each segment is one more lookup for every
 * term a search asks for. Short steps, a turn of the event loop between them (and now and
 * then a checkpoint), so requests and intake go on meanwhile. `protect` keeps two runs from
 * overlapping.
 */
export function scheduleSearchIndexMerge(deps: { db: Db; pattern: string; log: Logger }) {
  const stopping = new AbortController();
  const job = new Cron(deps.pattern, { protect: true, timezone: 'Europe/Oslo' }, async () => {
    try {
      const merged = await mergeSearchIndex(deps.db, { signal: stopping.signal });
      deps.log.info(
        {
          steps: merged.steps,
          ms: Math.round(merged.ms),
          longestStepMs: Math.round(merged.longestStepMs),
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
