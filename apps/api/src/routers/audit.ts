import { listAccessLog, listAuditActions, listStaffUsers, summariseAccessLog } from '@mg/db';
import { auditFilterInput, auditListInput } from '@mg/shared';
import { z } from 'zod';
import { type AuditCheck, anchorChecked } from '../lib/audit-check';
import { can, router } from '../trpc';

const verifyInput = z
  .object({ mode: z.enum(['incremental', 'full']).default('incremental') })
  .optional();

/** What the log keeps of a check: the outcome and range, never more than ids and hashes. */
function checkDetail(check: AuditCheck) {
  return {
    ok: check.ok,
    mode: check.mode,
    fromId: check.fromId,
    toId: check.toId,
    checked: check.checked,
    headId: check.head?.id ?? null,
    anchorId: check.anchor?.id ?? null,
    ...(check.ok ? {} : { reason: check.reason, firstBrokenId: check.firstBrokenId }),
  };
}

export const auditRouter = router({
  /** Reading the access log is itself logged. */
  list: can('audit:read', { purpose: 'audit' })
    .input(auditListInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const page = listAccessLog(tx, input);
        const { cursor: _c, limit: _l, ...filter } = input;
        log({
          targetType: 'access_log',
          targetIds: page.items.map((e) => e.id),
          detail: { filters: Object.keys(filter) },
        });
        return page;
      }),
    ),

  /**
   * For one record (target) or one user (actor): who, how many times, first and last, for
   * what purpose, grouped in SQL over a bounded, index-backed read. Null without either
   * filter. Logged like reading the log: the filter keys and the size of what was summed up.
   */
  summary: can('audit:read', { purpose: 'audit' })
    .input(auditFilterInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const summary = summariseAccessLog(tx, input);
        log({
          targetType: 'access_log',
          detail: {
            filters: Object.keys(input),
            by: summary?.by ?? null,
            entries: summary?.entries ?? 0,
          },
        });
        return summary;
      }),
    ),

  actions: can('audit:read').query(({ ctx }) => listAuditActions(ctx.db)),

  /** Staff who appear as actors: employees, not data subjects. */
  actors: can('audit:read').query(({ ctx }) =>
    listStaffUsers(ctx.db).map(({ id, name, role }) => ({ id, name, role })),
  ),

  /**
   * Check the log against its anchors, in a worker thread: by default from the newest
   * anchor on (incremental), or from the first entry (full). The check runs before the
   * transaction that logs it, so its result covers the log as it was.
   */
  verify: can('audit:verify', { purpose: 'audit' })
    .input(verifyInput)
    .mutation(async ({ ctx, input }) => {
      const check = await ctx.auditTrail.check(input?.mode ?? 'incremental');
      ctx.audited((_tx, log) => log({ targetType: 'access_log', detail: checkDetail(check) }));
      return check;
    }),

  /** Anchor the chain head now (the daily job does the same): checked first, then signed. */
  anchor: can('audit:verify', { purpose: 'audit' }).mutation(async ({ ctx }) => {
    const check = await ctx.auditTrail.check('incremental');
    const { anchored } = anchorChecked(ctx.auditTrail.anchors(), check);
    ctx.audited((_tx, log) =>
      log({
        targetType: 'access_log',
        targetIds: anchored ? [anchored.id] : [],
        detail: { ...checkDetail(check), anchored: anchored !== null },
      }),
    );
    return {
      check,
      anchored: anchored
        ? { id: anchored.id, hash: anchored.hash, at: anchored.at, anchoredAt: anchored.anchoredAt }
        : null,
    };
  }),
});
