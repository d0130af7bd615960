import { backfillAddressHashes, type Db } from '@mg/db';
import type { Logger } from '../lib/logger';

/**
 * Leads written before they kept the suppression keys of their addresses (migration
 * `audience_hashes_week_counts`, or a tool that bypasses the write paths) get them after
 * start-up: one short transaction of `batch` leads per turn of the event loop, so the server
 * answers from the first second and no request waits for more than one batch (~50 ms for
 * 2,000 leads here; a million leads take well under a minute). Until it is done, the
 * audience count reads the contacts in JavaScript (countAudience), as before.
 */
export function startAddressHashBackfill(deps: { db: Db; log: Logger; batch?: number }) {
  let stopped = false;
  let filled = 0;
  const done = new Promise<number>((resolve, reject) => {
    const step = () => {
      if (stopped) return resolve(filled);
      try {
        const n = deps.db.transaction((tx) => backfillAddressHashes(tx, deps.batch ?? 2000));
        filled += n;
        if (n === 0) {
          if (filled > 0) deps.log.info({ leads: filled }, 'address hashes filled');
          return resolve(filled);
        }
      } catch (error) {
        deps.log.error({ err: error }, 'address hash backfill failed');
        return reject(error);
      }
      // setImmediate: requests that arrived during the batch are served before the next one.
      setImmediate(step);
    };
    setImmediate(step);
  });
  // A failure is logged above; the audience count stays on its JavaScript path meanwhile.
  done.catch(() => {});
  return {
    done,
    stop() {
      stopped = true;
    },
  };
}
