import { type AudienceRow, appendAccessLog, listAudience, osloDate } from '@mg/db';
import { consentPurposeSchema, scopeFor, toFieldErrors } from '@mg/shared';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import type { AppBindings, AppDeps } from '../context';
import { csvText } from '../lib/csv';
import { authorizeDownload } from './authorize-download';

const ACTION = 'audience.export';
const STARTED_ACTION = 'audience.exportStarted';

/**
 * GET /api/exports/audience.csv?purpose=marketing_email — who may receive marketing for a
 * purpose: current consent, not restricted, not anonymised, not suppressed. Needs a session
 * with `audience:export`; every export is logged with the ids it holds and their count, and
 * every refusal is logged as denied.
 */
export function audienceExport(deps: AppDeps) {
  return async (c: Context<AppBindings>) => {
    const auth = authorizeDownload(deps, c, {
      action: ACTION,
      permission: 'audience:export',
      purpose: 'marketing',
    });
    if (!auth.ok) return auth.response;
    const { ctx, answer } = auth;
    const { user } = ctx.session;
    const purpose = consentPurposeSchema.safeParse(c.req.query('purpose'));
    if (!purpose.success)
      return answer(
        {
          error: {
            code: 'BAD_REQUEST',
            fieldErrors: toFieldErrors(
              purpose.error.issues.map((i) => ({ ...i, path: ['purpose'] })),
            ),
          },
        },
        400,
      );

    const who = {
      actorUserId: user.id,
      actorRole: user.role,
      purpose: 'marketing' as const,
      targetType: 'lead' as const,
      requestId: ctx.requestId,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    };
    const asked = { consentPurpose: purpose.data };
    // Logged before the first row is read, so no row leaves unlogged even if the process
    // dies mid-download; the ids follow in the final entry (as the lead export does).
    ctx.db.transaction((tx) =>
      appendAccessLog(tx, { ...who, action: STARTED_ACTION, outcome: 'ok', detail: asked }),
    );
    const ids: number[] = [];
    let logged = false;
    const finish = (outcome: 'ok' | 'error', extra: Record<string, unknown> = {}) => {
      if (logged) return;
      logged = true;
      ctx.db.transaction((tx) =>
        appendAccessLog(tx, {
          ...who,
          action: ACTION,
          targetIds: ids,
          outcome,
          detail: { ...asked, count: ids.length, ...extra },
        }),
      );
    };

    const contact = purpose.data === 'marketing_email' ? 'email' : 'phone';
    const chunks = listAudience(deps.db, { scope: scopeFor(user), purpose: purpose.data });
    const encoder = new TextEncoder();
    const header = `\uFEFF${stringify([['lead_id', 'name', contact, 'project', 'consent_granted_at']])}`;
    const record = (r: AudienceRow) => [
      r.id,
      csvText(r.name),
      contact === 'email' ? csvText(r.contact) : r.contact,
      csvText(r.projectName),
      new Date(r.grantedAt).toISOString(),
    ];
    // Pull-based: the next chunk (1000 rows, every rule applied inside SQLite) is read only
    // when the client has taken the previous one, so memory stays flat at any audience size.
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          controller.enqueue(encoder.encode(header));
        },
        pull(controller) {
          try {
            const next = chunks.next();
            if (next.done) {
              finish('ok');
              controller.close();
              return;
            }
            for (const row of next.value) ids.push(row.id);
            controller.enqueue(encoder.encode(stringify(next.value.map(record))));
          } catch (error) {
            deps.log.error({ err: error, requestId: ctx.requestId }, 'audience export failed');
            finish('error', { reason: 'failed' });
            controller.error(error);
          }
        },
        cancel() {
          chunks.return(undefined);
          finish('error', { reason: 'aborted' });
        },
      },
      { highWaterMark: 1 },
    );
    const filename = `audience-${purpose.data}-${osloDate()}.csv`;
    const headers = new Headers({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    });
    for (const cookie of auth.setCookies()) headers.append('set-cookie', cookie);
    return new Response(body, { headers });
  };
}
