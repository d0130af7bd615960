import { deleteView, getView, insertView, isViewVisible, listViews, updateView } from '@mg/db';
import { hasPermission, viewRemoveInput, viewSaveInput } from '@mg/shared';
import { filterKeys } from '../lib/access-log';
import { domainError, notFound } from '../lib/errors';
import { can, router } from '../trpc';

/**
 * Saved grid views: a named filter and column choice, stored on the server. Personal (only
 * the owner), shared with the owner's subsidiary, or with everyone (admins only). Applying a
 * view is just opening the grid with its filter, so the caller's scope still decides rows.
 */
export const viewRouter = router({
  list: can('view:manage').query(({ ctx }) => {
    const viewer = { userId: ctx.actor.userId, subsidiaryId: ctx.session.user.subsidiaryId };
    return listViews(ctx.db, viewer).map((v) => ({ ...v, own: v.ownerUserId === viewer.userId }));
  }),

  save: can('view:manage', { purpose: 'follow_up' })
    .input(viewSaveInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const user = ctx.session.user;
        if (input.visibility === 'everyone' && !hasPermission(user.role, 'view:share_all'))
          throw domainError('FORBIDDEN', 'forbidden', { visibility: [{ key: 'invalid' }] });
        if (input.visibility === 'subsidiary' && user.subsidiaryId === null)
          throw domainError('BAD_REQUEST', 'forbidden', { visibility: [{ key: 'invalid' }] });
        const fields = {
          name: input.name,
          visibility: input.visibility,
          subsidiaryId: input.visibility === 'subsidiary' ? user.subsidiaryId : null,
          filter: input.filter,
          columns: input.columns,
        };
        let id: number;
        if (input.id !== undefined) {
          const existing = getView(tx, input.id);
          const viewer = { userId: user.id, subsidiaryId: user.subsidiaryId };
          if (!existing || !isViewVisible(existing, viewer)) throw notFound('view', input.id);
          // Only the owner changes a view; others may save a copy under their own name.
          if (existing.ownerUserId !== user.id) throw domainError('FORBIDDEN', 'forbidden');
          updateView(tx, existing.id, fields);
          id = existing.id;
        } else {
          id = insertView(tx, user.id, fields).id;
        }
        log({
          targetType: 'view',
          targetIds: [id],
          // The filter's keys only: a saved search may hold a name.
          detail: { visibility: input.visibility, filters: filterKeys(input.filter) },
        });
        return { id };
      }),
    ),

  /** Your own views; an admin may remove any. */
  remove: can('view:manage', { purpose: 'follow_up' })
    .input(viewRemoveInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const user = ctx.session.user;
        const view = getView(tx, input.id);
        const viewer = { userId: user.id, subsidiaryId: user.subsidiaryId };
        const anyView = hasPermission(user.role, 'view:manage_any');
        if (!view || (!anyView && !isViewVisible(view, viewer))) throw notFound('view', input.id);
        if (!anyView && view.ownerUserId !== user.id) throw domainError('FORBIDDEN', 'forbidden');
        deleteView(tx, view.id);
        log({
          targetType: 'view',
          targetIds: [view.id],
          detail: { ownerUserId: view.ownerUserId },
        });
        return { id: view.id };
      }),
    ),
});
