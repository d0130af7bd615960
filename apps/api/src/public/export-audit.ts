import { AUDIT_EXPORT_MAX, chainHead, iterateAccessLogForExport } from '@mg/db';
import { auditFilterInput, osloDate, toFieldErrors } from '@mg/shared';
import type { Context } from 'hono';
import type { AppBindings, AppDeps } from '../context';
import { logNow } from '../lib/access-log';
import { EXPORT_LABELS, exportLanguage, labelOf } from '../lib/export-labels';
import { SHEET_CONTENT_TYPE, type SheetRow, sheetStream } from '../lib/spreadsheet';
import { authorizeDownload } from './authorize-download';

const ACTION = 'audit.export';
/** Entries per keyset chunk: the most the download holds in memory at once. */
export const AUDIT_EXPORT_CHUNK = 1000;
/** Excel holds at most 32 767 characters in a cell; a long id list is cut well before. */
const MAX_IDS_CELL = 30_000;

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return Symbol('invalid json');
  }
}

function idsCell(ids: readonly number[]): string {
  const text = ids.join(', ');
  return text.length > MAX_IDS_CELL ? `${text.slice(0, MAX_IDS_CELL)} …` : text;
}

/**
 * GET /api/exports/audit.csv?filter=<json>&lang=<nb|en>
 *
 * The access log as the auditor filtered it, for a Norwegian Excel (BOM, ";", CRLF, headers
 * and labels in the user's language, times in Oslo): newest first, at most AUDIT_EXPORT_MAX
 * entries, streamed a chunk at a time. Needs `audit:export`. The download is logged as its own
 * entry ('audit.export') before the first row, with the filter (ids and codes, never personal
 * data) and the newest entry the file can hold, so the file is exactly "these filters, up to
 * entry N". A download that fails or breaks off adds an 'error' entry. Refusals are logged as
 * denied.
 */
export function exportAuditLog(deps: AppDeps) {
  return (c: Context<AppBindings>) => {
    const auth = authorizeDownload(deps, c, {
      action: ACTION,
      permission: 'audit:export',
      purpose: 'audit',
    });
    if (!auth.ok) return auth.response;
    const { ctx, answer, actor } = auth;
    const parsed = auditFilterInput.strict().safeParse(parseJson(c.req.query('filter') ?? '{}'));
    if (!parsed.success)
      return answer(
        { error: { code: 'BAD_REQUEST', fieldErrors: toFieldErrors(parsed.error.issues) } },
        400,
      );
    const filter = parsed.data;
    const lang = exportLanguage(c.req.query('lang'));
    const labels = EXPORT_LABELS[lang];

    const about = { purpose: 'audit' as const, targetType: 'access_log' as const };
    const asked = { filter, format: 'csv', max: AUDIT_EXPORT_MAX };
    logNow(ctx.db, ctx, actor, { ...about, action: ACTION, outcome: 'ok', detail: asked });
    // The entry just written: the file holds what came before it.
    const upTo = chainHead(ctx.db)?.id ?? 0;
    let count = 0;
    const failed = (reason: string) =>
      logNow(ctx.db, ctx, actor, {
        ...about,
        action: ACTION,
        outcome: 'error',
        detail: { ...asked, beforeId: upTo, count, reason },
      });

    const chunks = iterateAccessLogForExport(deps.db, {
      filter,
      beforeId: upTo,
      chunkSize: AUDIT_EXPORT_CHUNK,
    });
    const h = labels.audit;
    const body = sheetStream(
      'csv',
      {
        headers: [
          h.id,
          h.at,
          h.actor,
          h.role,
          h.action,
          h.purpose,
          h.targetType,
          h.targetIds,
          h.targetCount,
          h.outcome,
          h.requestId,
          h.ip,
          h.userAgent,
          h.detail,
        ],
        next: () => {
          const next = chunks.next();
          if (next.done) return null;
          count += next.value.length;
          return next.value.map(
            (e): SheetRow => [
              e.id,
              { at: e.at },
              e.actorUserId === null ? labels.anonymousActor : { text: e.actorName },
              labelOf(labels.roles, e.actorRole),
              { text: e.action },
              labelOf(labels.auditPurpose, e.purpose),
              labelOf(labels.auditTargetType, e.targetType),
              idsCell(e.targetIds),
              e.targetCount ?? '',
              labelOf(labels.auditOutcome, e.outcome),
              { text: e.requestId },
              { text: e.ip },
              { text: e.userAgent },
              { text: e.detail ? JSON.stringify(e.detail) : null },
            ],
          );
        },
        done: () => {},
        failed: (error) => {
          deps.log.error({ err: error, requestId: ctx.requestId }, 'access-log export failed');
          failed('failed');
        },
        aborted: () => {
          chunks.return(undefined);
          failed('aborted');
        },
      },
      lang === 'en' ? 'Access log' : 'Tilgangslogg',
    );
    const headers = new Headers({
      'content-type': SHEET_CONTENT_TYPE.csv,
      'content-disposition': `attachment; filename="${lang === 'en' ? 'access-log' : 'tilgangslogg'}-${osloDate(Date.now())}.csv"`,
      'cache-control': 'no-store',
    });
    for (const cookie of auth.setCookies()) headers.append('set-cookie', cookie);
    return new Response(body, { headers });
  };
}
