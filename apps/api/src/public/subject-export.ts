import { insertDsrAction, linkSubjectLeads } from '@mg/db';
import { dsrPurpose, idSchema, osloDate } from '@mg/shared';
import type { Context } from 'hono';
import type { AppBindings, AppDeps } from '../context';
import { logEntry, logNow } from '../lib/access-log';
import { buildSubjectExport } from '../lib/subject-export';
import { loadSubject, subjectActionBlock } from '../lib/subject-request';
import { authorizeDownload } from './authorize-download';

const ACTION = 'subject.export';

/**
 * GET /api/requests/:id/subject.json — the person's data for an access or portability
 * request, as the documented JSON (docs/subject-export.md). Needs `dsr:manage`; the request
 * must be verified and open. Built in memory and sent; never written to disk. The file, its
 * access-log entry (purpose `dsr:<id>`, every lead id) and the request's record of it commit
 * in one transaction before the first byte is sent. The person's leads are capped at
 * SUBJECT_MAX_LEADS and the consultations at SUBJECT_EXPORT_MAX_CONSULTATIONS, so one file
 * stays a few MB at most; the file says when either cap was reached.
 */
export function subjectExport(deps: AppDeps) {
  return (c: Context<AppBindings>) => {
    const auth = authorizeDownload(deps, c, {
      action: ACTION,
      permission: 'dsr:manage',
      purpose: 'dsr',
    });
    if (!auth.ok) return auth.response;
    const { ctx, answer, actor, scope } = auth;
    const id = idSchema.safeParse(Number(c.req.param('id')));
    if (!id.success)
      return answer(
        { error: { code: 'BAD_REQUEST', fieldErrors: { id: [{ key: 'invalid' }] } } },
        400,
      );
    const requestId = id.data;
    const built = ctx.db.transaction((tx) => {
      const subject = loadSubject(tx, { scope, id: requestId });
      if (!subject) return { ok: false as const, status: 404 as const, domainCode: 'notFound' };
      const block = subjectActionBlock(subject.request, 'export');
      if (block) return { ok: false as const, status: 409 as const, domainCode: block };
      linkSubjectLeads(tx, requestId, subject.leadIds);
      const document = buildSubjectExport(tx, {
        scope,
        request: subject.request,
        leadIds: subject.leadIds,
        leadsCapped: subject.capped,
      });
      const leadIds = document.leads.map((l) => l.id);
      logEntry(tx, ctx, actor, {
        action: ACTION,
        outcome: 'ok',
        purpose: dsrPurpose(requestId),
        targetType: 'lead',
        targetIds: leadIds,
        detail: {
          requestId,
          leads: leadIds.length,
          leadsCapped: document.leadsCapped,
          consultations: document.consultations.length,
        },
      });
      insertDsrAction(tx, {
        dsrId: requestId,
        actorUserId: actor.userId,
        action: 'export',
        leadIds,
        detail: { consultations: document.consultations.length },
      });
      return { ok: true as const, document };
    });
    if (!built.ok) {
      if (built.status === 404)
        logNow(ctx.db, ctx, actor, {
          action: ACTION,
          outcome: 'denied',
          purpose: 'dsr',
          targetType: 'dsr',
          targetIds: [requestId],
          detail: { reason: 'not_found_or_out_of_scope' },
        });
      const code = built.status === 404 ? 'NOT_FOUND' : 'CONFLICT';
      const res = c.json({ error: { code, domainCode: built.domainCode } }, built.status);
      for (const cookie of auth.setCookies()) res.headers.append('set-cookie', cookie);
      return res;
    }
    const headers = new Headers({
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="subject-${requestId}-${osloDate(Date.now())}.json"`,
      'cache-control': 'no-store',
    });
    for (const cookie of auth.setCookies()) headers.append('set-cookie', cookie);
    return new Response(JSON.stringify(built.document, null, 2), { headers });
  };
}
