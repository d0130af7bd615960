import {
  getRetentionMonths,
  listRetentionRuns,
  listUpcomingRetention,
  runRetention,
  setRetentionMonths,
} from '@mg/db';
import { retentionRunInput, retentionRunsInput, retentionSettingsInput } from '@mg/shared';
import { afterAnonymisation } from '../lib/erasure';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../lib/session';
import { can, router } from '../trpc';

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
   * anonymises (through the one anonymisation function), then checkpoints the WAL and
   * deletes the .eml files of the cleared mail.
   */
  run: can('retention:manage', { purpose: 'retention' })
    .input(retentionRunInput)
    .mutation(async ({ ctx, input }) => {
      const result = ctx.audited((tx, log) =>
        runRetention(tx, {
          scope: ctx.scope,
          dryRun: input.dryRun,
          trigger: 'manual',
          actorUserId: ctx.actor.userId,
          session: { idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS },
          log,
        }),
      );
      if (!input.dryRun && ctx.outboxDir !== undefined)
        await afterAnonymisation(ctx.db, ctx.outboxDir, result.outboxIds);
      return {
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
