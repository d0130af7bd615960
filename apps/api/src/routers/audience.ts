import { listAudience } from '@mg/db';
import { CONSENT_PURPOSES } from '@mg/shared';
import { can, router } from '../trpc';

export const audienceRouter = router({
  /**
   * How many people each purpose's export would hold (counts only, no personal data). The
   * file itself is GET /api/exports/audience.csv?purpose=…, which logs the ids it holds.
   */
  summary: can('audience:export').query(({ ctx }) =>
    CONSENT_PURPOSES.map((purpose) => {
      let count = 0;
      for (const chunk of listAudience(ctx.db, { scope: ctx.scope, purpose }))
        count += chunk.length;
      return { purpose, count, href: `/api/exports/audience.csv?purpose=${purpose}` };
    }),
  ),
});
