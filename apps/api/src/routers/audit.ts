import { listAccessLog, listAuditActions, listStaffUsers, verifyAccessLog } from '@mg/db';
import { auditListInput } from '@mg/shared';
import { can, router } from '../trpc';

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

  actions: can('audit:read').query(({ ctx }) => listAuditActions(ctx.db)),

  /** Staff who appear as actors: employees, not data subjects. */
  actors: can('audit:read').query(({ ctx }) =>
    listStaffUsers(ctx.db).map(({ id, name, role }) => ({ id, name, role })),
  ),

  verify: can('audit:verify', { purpose: 'audit' }).mutation(({ ctx }) => {
    // Verify first, outside the transaction that logs it, so the result covers the log as it was.
    const result = verifyAccessLog(ctx.db);
    ctx.audited((_tx, log) => log({ targetType: 'access_log', detail: { ...result } }));
    return result;
  }),
});
