import {
  findSubsidiaryByOrgNumber,
  getSubsidiary,
  getSubsidiaryOverview,
  insertSubsidiary,
  listSubsidiaries,
  updateSubsidiary,
} from '@mg/db';
import { idSchema, subsidiaryInput, subsidiaryUpdateInput } from '@mg/shared';
import { z } from 'zod';
import { domainError, notFound } from '../lib/errors';
import { can, router } from '../trpc';

function duplicateOrgNumber() {
  return domainError('CONFLICT', 'duplicateOrgNumber', { orgNumber: [{ key: 'invalid' }] });
}

export const subsidiaryRouter = router({
  list: can('subsidiary:read').query(({ ctx }) => listSubsidiaries(ctx.db, { scope: ctx.scope })),

  byId: can('subsidiary:read')
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) => {
      const row = getSubsidiary(ctx.db, { scope: ctx.scope, id: input.id });
      if (!row) throw notFound('subsidiary', input.id);
      return row;
    }),

  /**
   * The subsidiary page: the subsidiary, its projects and lead counts within the viewer's
   * scope. Its users come from user.list (a permission of their own).
   */
  overview: can('subsidiary:read')
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) => {
      const overview = getSubsidiaryOverview(ctx.db, { scope: ctx.scope, id: input.id });
      if (!overview) throw notFound('subsidiary', input.id);
      return overview;
    }),

  create: can('subsidiary:write', { purpose: 'administration' })
    .input(subsidiaryInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        if (findSubsidiaryByOrgNumber(tx, input.orgNumber)) throw duplicateOrgNumber();
        const { id } = insertSubsidiary(tx, input);
        log({ targetType: 'subsidiary', targetIds: [id] });
        return { id };
      }),
    ),

  update: can('subsidiary:write', { purpose: 'administration' })
    .input(subsidiaryUpdateInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const { id, ...fields } = input;
        const clash = findSubsidiaryByOrgNumber(tx, fields.orgNumber);
        if (clash && clash.id !== id) throw duplicateOrgNumber();
        if (!updateSubsidiary(tx, id, fields)) throw notFound('subsidiary', id);
        log({ targetType: 'subsidiary', targetIds: [id], detail: { active: fields.active } });
        return { id };
      }),
    ),
});
