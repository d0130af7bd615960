import {
  findPolicyVersionByLabel,
  getCurrentPolicyVersion,
  insertPolicyVersion,
  listPolicyVersions,
  osloDate,
} from '@mg/db';
import { policyPublishInput } from '@mg/shared';
import { domainError } from '../lib/errors';
import { can, router } from '../trpc';

export const policyRouter = router({
  /** Every version with its text, and which one is in force today. */
  list: can('policy:publish').query(({ ctx }) => ({
    versions: listPolicyVersions(ctx.db),
    currentId: getCurrentPolicyVersion(ctx.db, osloDate())?.id ?? null,
  })),

  /**
   * A new version. Old leads keep the version they were taken under; the new one becomes
   * current on its effective date.
   */
  publish: can('policy:publish', { purpose: 'administration' })
    .input(policyPublishInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        if (findPolicyVersionByLabel(tx, input.label))
          throw domainError('CONFLICT', 'duplicateLabel', { label: [{ key: 'invalid' }] });
        const { id } = insertPolicyVersion(tx, input, ctx.actor.userId);
        log({
          targetType: 'policy',
          targetIds: [id],
          detail: { effectiveDate: input.effectiveDate },
        });
        return { id };
      }),
    ),
});
