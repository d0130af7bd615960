import { CONSENT_PURPOSES } from '@mg/shared';
import { readsOf } from '../lib/slow-reads';
import { can, router } from '../trpc';

export const audienceRouter = router({
  /**
   * How many people each purpose's export would hold (counts only, no personal data). The
   * file itself is GET /api/exports/audience.csv?purpose=…, which logs the ids it holds.
   */
  summary: can('audience:export').query(async ({ ctx }) => {
    // Counted in SQL (packages/db countAudience), off the request thread: at a million leads
    // each purpose's count reads ~500k index entries (decision 022).
    const reads = readsOf(ctx);
    const counts = await Promise.all(
      CONSENT_PURPOSES.map((purpose) => reads.audienceCount({ scope: ctx.scope, purpose })),
    );
    return CONSENT_PURPOSES.map((purpose, i) => ({
      purpose,
      count: counts[i] ?? 0,
      href: `/api/exports/audience.csv?purpose=${purpose}`,
    }));
  }),
});
