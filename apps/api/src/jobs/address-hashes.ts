import { backfillAddressHashes, type Db } from '@mg/db';
import type { Logger } from '../lib/logger';

/**
 * Leads written before they kept the suppression keys of their addresses (migration
 * `audience_hashes_week_counts`, or a tool that bypasses the write paths) get them after
 * start-up: one short transaction per turn of the event loop (up to `batch` leads, at most
 * 40 ms), so the server answers from the first second and no request waits long for it. On
 * a loaded machine (3.5 ms a lead in bench/leads) a million take about an hour. Until it is
 * done, the audience count reads the contacts in JavaScript (countAudience), as before.
 */
export function startAddressHashBackfill(deps: { db: Db; log: Logger; batch?: number }) {
  let stopped = false;
  let filled = 0;
  const done = new Promise<number>((resolve, reject) => {
    const step = () => {
      if (stopped) return resolve(filled);
      try {
        // At most 40 ms a turn (issue 10: no request waits on the event loop for long).
        const n = deps.db.transaction((tx) => backfillAddressHashes(tx, deps.batch ?? 500, 40));
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
