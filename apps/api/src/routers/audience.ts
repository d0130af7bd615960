import { countAudience } from '@mg/db';
import { CONSENT_PURPOSES } from '@mg/shared';
import { can, router } from '../trpc';

export const audienceRouter = router({
  /**
   * How many people each purpose's export would hold (counts only, no personal data). The
   * file itself is GET /api/exports/audience.csv?purpose=…, which logs the ids it holds.
   */
  summary: can('audience:export').query(({ ctx }) =>
    CONSENT_PURPOSES.map((purpose) => ({
      purpose,
      // Counted without reading the rows the export shows (packages/db countAudience).
      count: countAudience(ctx.db, { scope: ctx.scope, purpose }),
      href: `/api/exports/audience.csv?purpose=${purpose}`,
    })),
  ),
});
