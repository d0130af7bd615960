import { type Db, flushAnonymousDenials } from '@mg/db';
import { Cron } from 'croner';
import type { Env } from '../env';
import { anchorConfigFor } from '../lib/audit-anchors';
import { anchorChecked } from '../lib/audit-check';
import type { Logger } from '../lib/logger';
import type { WriteGate } from '../lib/write-gate';
import { checkAuditLogOffThread } from './audit-verify';

/**
 * The access log's scheduled work in the API process: every minute, the anonymous denials of
 * minutes that ended become their one entry per IP; every night, the chain is checked from
 * the newest anchor (in a worker thread) and its head anchored. `stop` writes the denials
 * still counting, so a shutdown loses none.
 */
export function startAuditJobs(deps: { db: Db; env: Env; log: Logger; gate?: WriteGate }) {
  const { db, env, log } = deps;
  // Made (or read) now: a missing key is generated on first start, a bad one fails loudly.
  anchorConfigFor(env);
  const flush = (all: boolean) => {
    try {
      const written = db.transaction((tx) => flushAnonymousDenials(tx, Date.now(), { all }));
      if (written > 0) log.debug({ written }, 'anonymous denials logged');
    } catch (err) {
      log.error({ err }, 'could not log anonymous denials');
    }
  };
  const anchor = async () => {
    try {
      const config = anchorConfigFor(env);
      const check = await checkAuditLogOffThread(db, config, 'incremental');
      const { anchored } = anchorChecked(config, check);
      if (!check.ok)
        log.error(
          { reason: check.reason, firstBrokenId: check.firstBrokenId },
          'access log check failed: head not anchored',
        );
      else if (anchored) log.info({ id: anchored.id }, 'access log head anchored');
    } catch (err) {
      log.error({ err }, 'access log anchoring failed');
    }
  };
  // The minute's flush waits while a search-index merge step holds the write lock (decision 059).
  const flushJob = new Cron('5 * * * * *', { protect: true }, async () => {
    const leave = await deps.gate?.enter();
    try {
      flush(false);
    } finally {
      leave?.();
    }
  });
  const anchorJob = new Cron('0 10 0 * * *', { protect: true, timezone: 'Europe/Oslo' }, anchor);
  return {
    anchorNow: anchor,
    stop() {
      flushJob.stop();
      anchorJob.stop();
      flush(true);
    },
  };
}
