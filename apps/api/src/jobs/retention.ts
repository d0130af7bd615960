import type { Db } from '@mg/db';
import { scopeFor } from '@mg/shared';
import { Cron } from 'croner';
import { OPERATOR } from '../lib/access-log';
import { retentionRun } from '../lib/erasure';
import type { Logger } from '../lib/logger';

/** The job and the CLI act for no user: every subsidiary's leads, as the privacy officer sees. */
export const SYSTEM_SCOPE = scopeFor({ role: 'privacy_officer', subsidiaryId: null });

/**
 * The daily retention run in the API process (Europe/Oslo): anonymises leads past the period,
 * deletes expired sessions and old sent mail. `protect` keeps two runs from overlapping.
 */
export function scheduleRetention(deps: {
  db: Db;
  outboxDir: string;
  pattern: string;
  log: Logger;
}): Cron {
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
      deps.log.error({ err: error }, 'retention run failed');
    }
  });
}
