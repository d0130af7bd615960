import {
  assignProject,
  findProjectIdBySlug,
  getProject,
  getSubsidiary,
  insertProject,
  listProjectAssignments,
  listProjectsWithLeadCounts,
  updateProject,
} from '@mg/db';
import { idSchema, projectAssignInput, projectInput, projectUpdateInput } from '@mg/shared';
import { z } from 'zod';
import { domainError, notFound } from '../lib/errors';
import { can, router } from '../trpc';

function duplicateSlug() {
  return domainError('CONFLICT', 'duplicateSlug', { slug: [{ key: 'invalid' }] });
}

export const projectRouter = router({
  /** Every project the viewer may see, with its lead count within the viewer's scope. */
  list: can('project:read').query(({ ctx }) =>
    listProjectsWithLeadCounts(ctx.db, { scope: ctx.scope }),
  ),

  byId: can('project:read')
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) => {
      const project = getProject(ctx.db, { scope: ctx.scope, id: input.id });
      if (!project) throw notFound('project', input.id);
      return { project, assignments: listProjectAssignments(ctx.db, project.id) };
    }),

  create: can('project:write', { purpose: 'administration' })
    .input(projectInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        if (!getSubsidiary(tx, { scope: ctx.scope, id: input.subsidiaryId }))
          throw domainError('BAD_REQUEST', 'notFound', { subsidiaryId: [{ key: 'invalid' }] });
        if (findProjectIdBySlug(tx, input.slug)) throw duplicateSlug();
        const { id } = insertProject(tx, input);
        // The first assignment is history too: where leads went from day one.
        assignProject(tx, {
          projectId: id,
          fromSubsidiaryId: null,
          toSubsidiaryId: input.subsidiaryId,
          actorUserId: ctx.actor.userId,
        });
        log({ targetType: 'project', targetIds: [id] });
        return { id };
      }),
    ),

  update: can('project:write', { purpose: 'administration' })
    .input(projectUpdateInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const { id, ...fields } = input;
        const clash = findProjectIdBySlug(tx, fields.slug);
        if (clash && clash.id !== id) throw duplicateSlug();
        if (!updateProject(tx, id, fields)) throw notFound('project', id);
        log({ targetType: 'project', targetIds: [id], detail: { status: fields.status } });
        return { id };
      }),
    ),

  /** Changes where new leads go. Existing leads stay with the subsidiary they were disclosed to. */
  assign: can('project:assign', { purpose: 'administration' })
    .input(projectAssignInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const project = getProject(tx, { scope: ctx.scope, id: input.projectId });
        if (!project) throw notFound('project', input.projectId);
        const target = getSubsidiary(tx, { scope: ctx.scope, id: input.subsidiaryId });
        if (!target)
          throw domainError('BAD_REQUEST', 'notFound', { subsidiaryId: [{ key: 'invalid' }] });
        if (!target.active)
          throw domainError('BAD_REQUEST', 'inactiveSubsidiary', {
            subsidiaryId: [{ key: 'invalid' }],
          });
        if (target.id === project.subsidiaryId)
          throw domainError('BAD_REQUEST', 'sameSubsidiary', {
            subsidiaryId: [{ key: 'invalid' }],
          });
        assignProject(tx, {
          projectId: project.id,
          fromSubsidiaryId: project.subsidiaryId,
          toSubsidiaryId: target.id,
          actorUserId: ctx.actor.userId,
        });
        log({
          targetType: 'project',
          targetIds: [project.id],
          detail: { fromSubsidiaryId: project.subsidiaryId, toSubsidiaryId: target.id },
        });
        return { id: project.id };
      }),
    ),
});
