import { setTimeout as sleep } from 'node:timers/promises';
import {
  getRetentionMonths,
  listRetentionRuns,
  listUpcomingRetention,
  setRetentionMonths,
} from '@mg/db';
import { retentionRunInput, retentionRunsInput, retentionSettingsInput } from '@mg/shared';
import { domainError } from '../lib/errors';
import { RetentionRunBusy, startRetention } from '../lib/retention-run';
import { can, router } from '../trpc';

/**
 * How long the page's "run now" waits for the run to finish before it answers "still
 * running": a usual run (a day's due leads) finishes well inside it; a large one (a shorter
 * period at a million leads) goes on in the background and the history shows it.
 */
export const RUN_ANSWER_WAIT_MS = 5000;

/** The run's result if it settles within `ms`, else `null` (the run goes on). */
export async function doneWithin<T>(done: Promise<T>, ms: number): Promise<T | null> {
  const timer = new AbortController();
  try {
    return await Promise.race([done, sleep(ms, null, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

/** The retention page: the period, what is coming, run now (dry or real), the history. */
export const retentionRouter = router({
  settings: can('retention:manage', { purpose: 'retention' }).query(({ ctx }) => ({
    months: getRetentionMonths(ctx.db),
  })),

  setMonths: can('retention:manage', { purpose: 'retention' })
    .input(retentionSettingsInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const from = getRetentionMonths(tx);
        setRetentionMonths(tx, input.months);
        log({ detail: { from, to: input.months } });
        return { months: input.months };
      }),
    ),

  /**
   * Leads reaching the period in the next 30 days: ids, project, subsidiary, dates, holds
   * (no names or contacts), logged with the ids shown.
   */
  upcoming: can('retention:manage', { purpose: 'retention' }).query(({ ctx }) =>
    ctx.audited((tx, log) => {
      const result = listUpcomingRetention(tx);
      log({
        targetType: 'lead',
        targetIds: result.items.map((i) => i.id),
        detail: { total: result.total },
      });
      return result;
    }),
  ),

  runs: can('retention:manage', { purpose: 'retention' })
    .input(retentionRunsInput)
    .query(({ ctx, input }) => listRetentionRuns(ctx.db, input.limit)),

  /**
   * Run retention now. A dry run counts what a real run would do at this moment; a real run
   * anonymises in short batches (decision 046), then checkpoints the WAL and deletes the .eml
   * files of the cleared mail. One run at a time: a second answers CONFLICT.
   */
  run: can('retention:manage', { purpose: 'retention' })
    .input(retentionRunInput)
    .mutation(async ({ ctx, input }) => {
      let started: ReturnType<typeof startRetention>;
      try {
        started = startRetention(ctx.db, {
          scope: ctx.scope,
          dryRun: input.dryRun,
          trigger: 'manual',
          by: { actor: ctx.actor, request: ctx },
          outboxDir: ctx.outboxDir,
        });
      } catch (error) {
        if (error instanceof RetentionRunBusy) throw domainError('CONFLICT', 'retentionRunning');
        throw error;
      }
      // The request may stop waiting; the run goes on and its failure is still logged.
      started.done.catch((error: unknown) =>
        ctx.log.error({ err: error, runId: started.runId }, 'retention run failed'),
      );
      const result = await doneWithin(started.done, RUN_ANSWER_WAIT_MS);
      if (result === null)
        return { finished: false as const, runId: started.runId, dryRun: input.dryRun };
      return {
        finished: true as const,
        runId: result.runId,
        dryRun: result.dryRun,
        periodMonths: result.periodMonths,
        anonymised: result.anonymised,
        skippedLegalHold: result.skippedLegalHold,
        sessionsDeleted: result.sessionsDeleted,
        outboxDeleted: result.outboxDeleted,
      };
    }),
});
