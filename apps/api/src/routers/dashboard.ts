import { dashboardSummary } from '@mg/db';
import { dashboardInput, dashboardRange, dashboardRangeSchema, osloDate } from '@mg/shared';
import { TRPCError } from '@trpc/server';
import { can, router } from '../trpc';

export const dashboardRouter = router({
  /**
   * Aggregate numbers only, each within the caller's scope: leads per week by project and
   * by subsidiary, the status funnel, consent rates and new leads nobody has taken. No
   * personal data leaves, but the read is logged all the same.
   */
  summary: can('dashboard:read', { purpose: 'follow_up' })
    .input(dashboardInput)
    .query(({ ctx, input }) => {
      // The schema checks the dates it was given; a missing end is today, known only here.
      const now = Date.now();
      const range = dashboardRange(input, osloDate(now));
      const checked = dashboardRangeSchema.safeParse(range);
      if (!checked.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: checked.error });
      return ctx.audited((tx, log) => {
        const summary = dashboardSummary(tx, { scope: ctx.scope, ...input, ...range, now });
        log({
          detail: { ...summary.range, staleDays: summary.unhandled.staleDays, aggregate: true },
        });
        return summary;
      });
    }),
});
