import { dashboardSummary } from '@mg/db';
import { dashboardInput } from '@mg/shared';
import { can, router } from '../trpc';

export const dashboardRouter = router({
  /**
   * Aggregate numbers only, each within the caller's scope: leads per week by project and
   * by subsidiary, the status funnel, consent rates and new leads nobody has taken. No
   * personal data leaves, but the read is logged all the same.
   */
  summary: can('dashboard:read', { purpose: 'follow_up' })
    .input(dashboardInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const summary = dashboardSummary(tx, { scope: ctx.scope, ...input });
        log({
          detail: { ...summary.range, staleDays: summary.unhandled.staleDays, aggregate: true },
        });
        return summary;
      }),
    ),
});
