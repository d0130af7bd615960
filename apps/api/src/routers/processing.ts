import { getRetentionMonths } from '@mg/db';
import { PROCESSING_RECORD } from '@mg/shared';
import { can, router } from '../trpc';

export const processingRouter = router({
  /**
   * The record of processing activities (GDPR art. 30) from its one config file, with the
   * live lead retention period from the settings. No personal data, so nothing to log.
   */
  record: can('processing:read').query(({ ctx }) => ({
    ...PROCESSING_RECORD,
    retentionMonths: getRetentionMonths(ctx.db),
  })),
});
