import { type Db, markInterruptedRetentionRuns } from '@mg/db';
import { scopeFor } from '@mg/shared';
import { Cron } from 'croner';
import { OPERATOR } from '../lib/access-log';
import type { Logger } from '../lib/logger';
import { RetentionRunBusy, retentionRun } from '../lib/retention-run';

/** The job and the CLI act for no user: every subsidiary's leads, as the privacy officer sees. */
export const SYSTEM_SCOPE = scopeFor({ role: 'privacy_officer', subsidiaryId: null });

/**
 * The daily retention run in the API process (Europe/Oslo): anonymises leads past the period,
 * deletes expired sessions and old sent mail. `protect` keeps two scheduled runs from
 * overlapping; a run started from the page meanwhile makes the scheduled one wait a day.
 * Runs a stopped process left `running` are marked interrupted first.
 */
export function scheduleRetention(deps: {
  db: Db;
  outboxDir: string;
  pattern: string;
  log: Logger;
}): Cron {
  const interrupted = deps.db.transaction((tx) => markInterruptedRetentionRuns(tx));
  if (interrupted > 0) deps.log.warn({ interrupted }, 'retention runs left unfinished');
  return new Cron(deps.pattern, { protect: true, timezone: 'Europe/Oslo' }, async () => {
    try {
      const result = await retentionRun(deps.db, {
        scope: SYSTEM_SCOPE,
        dryRun: false,
        trigger: 'schedule',
        by: { actor: OPERATOR, request: null },
        outboxDir: deps.outboxDir,
      });
      deps.log.info(
        {
          runId: result.runId,
          anonymised: result.anonymised,
          skippedLegalHold: result.skippedLegalHold,
          sessionsDeleted: result.sessionsDeleted,
          outboxDeleted: result.outboxDeleted,
        },
        'retention run finished',
      );
    } catch (error) {
      if (error instanceof RetentionRunBusy)
        deps.log.info({ runId: error.runId }, 'retention run skipped: another is running');
      else deps.log.error({ err: error }, 'retention run failed');
    }
  });
}
