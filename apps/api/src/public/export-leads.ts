import { iterateLeadsForExport, type LeadListRow } from '@mg/db';
import {
  type AuditPurpose,
  type ExportPurpose,
  type LeadColumn,
  leadExportInput,
  osloDate,
  toFieldErrors,
} from '@mg/shared';
import type { Context } from 'hono';
import type { AppBindings, AppDeps } from '../context';
import { filterKeys, logNow, logNowInParts } from '../lib/access-log';
import { EXPORT_LABELS, type ExportLanguage, exportLanguage } from '../lib/export-labels';
import {
  SHEET_CONTENT_TYPE,
  type SheetCell,
  type SheetFormat,
  sheetStream,
} from '../lib/spreadsheet';
import { authorizeDownload } from './authorize-download';

const ACTION = 'lead.export';
/** Written before the first row, so a download that breaks off is never without an entry. */
const STARTED_ACTION = 'lead.exportStarted';
/** Rows per keyset chunk: the most the export holds in memory at once. */
export const EXPORT_CHUNK_ROWS = 1000;

/** The access log's purposes are a fixed list; each export purpose maps to one of them. */
const AUDIT_PURPOSE: Record<ExportPurpose, AuditPurpose> = {
  follow_up: 'follow_up',
  handover: 'follow_up',
  reporting: 'administration',
};

/** One cell per column, exactly the grid's allow-list, in the user's language. */
function cells(lang: ExportLanguage): Record<LeadColumn, (row: LeadListRow) => SheetCell> {
  const labels = EXPORT_LABELS[lang];
  const yesNo = (value: boolean) => (value ? labels.yes : labels.no);
  return {
    id: (r) => r.id,
    createdAt: (r) => ({ at: r.createdAt }),
    name: (r) => ({ text: r.name }),
    email: (r) => ({ text: r.email }),
    // E.164 from intake: "+47…" is a number, not a formula, and must stay as it is.
    phone: (r) => r.phone ?? '',
    project: (r) => ({ text: r.projectName }),
    subsidiary: (r) => ({ text: r.subsidiaryName }),
    status: (r) => labels.leadStatus[r.status],
    assignee: (r) => ({ text: r.assigneeName }),
    consentEmail: (r) => yesNo(r.consentEmail),
    consentSms: (r) => yesNo(r.consentSms),
    lastActivityAt: (r) => ({ at: r.lastActivityAt }),
    restricted: (r) => yesNo(r.restricted),
    legalHold: (r) => yesNo(r.legalHold),
    anonymisedAt: (r) => ({ at: r.anonymisedAt }),
  };
}

function parseJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return Symbol('invalid json');
  }
}

/**
 * GET /api/exports/leads.csv (or .xlsx)?filter=<json>&columns=<a,b,c>&purpose=<follow_up|reporting|handover>&lang=<nb|en>
 *
 * Exactly the grid's rows (its filter and sort, in the caller's scope, restricted leads left
 * out) and columns, for a Norwegian Excel: CSV with a BOM, ";" and CRLF, or an .xlsx sheet
 * with typed cells; headers and labels in the user's language, times in Oslo. Needs a session
 * with `lead:export`. Streamed by keyset, a chunk at a time, so 100k rows are never held
 * together. Two access-log entries: 'lead.exportStarted' with the filter keys, columns and
 * purpose before the first row is read, and 'lead.export' when the stream ends, with every
 * exported id (in parts of 1,000 for a large export, `logNowInParts`) and the count (outcome 'error' and the ids sent so far if the download breaks
 * off). Refusals are logged as denied.
 */
export function exportLeads(deps: AppDeps, format: SheetFormat = 'csv') {
  return (c: Context<AppBindings>) => {
    const auth = authorizeDownload(deps, c, {
      action: ACTION,
      permission: 'lead:export',
      purpose: 'follow_up',
    });
    if (!auth.ok) return auth.response;
    const { ctx, answer, actor, scope } = auth;
    const columnsParam = c.req.query('columns');
    const parsed = leadExportInput.safeParse({
      filter: parseJson(c.req.query('filter') ?? '{}'),
      columns: columnsParam === undefined || columnsParam === '' ? [] : columnsParam.split(','),
      purpose: c.req.query('purpose'),
    });
    if (!parsed.success)
      return answer(
        { error: { code: 'BAD_REQUEST', fieldErrors: toFieldErrors(parsed.error.issues) } },
        400,
      );
    const { filter, columns, purpose } = parsed.data;
    const lang = exportLanguage(c.req.query('lang'));

    const about = { purpose: AUDIT_PURPOSE[purpose], targetType: 'lead' as const };
    // Codes and keys only: never the words searched for.
    const asked = {
      exportPurpose: purpose,
      columns,
      format,
      filters: filterKeys(filter),
      searched: Boolean(filter.search),
      sort: filter.sort,
      dir: filter.dir,
    };
    logNow(ctx.db, ctx, actor, { ...about, action: STARTED_ACTION, outcome: 'ok', detail: asked });

    const ids: number[] = [];
    // A large export's ids are logged in parts, a turn of the event loop apart (issue 10); the
    // download has ended by then, so a failure to log is reported to the operators.
    const finish = (outcome: 'ok' | 'error', extra: Record<string, unknown> = {}) =>
      logNowInParts(ctx.db, ctx, actor, {
        ...about,
        action: ACTION,
        targetIds: ids,
        outcome,
        detail: { ...asked, count: ids.length, ...extra },
      }).catch((err: unknown) =>
        deps.log.error({ err, requestId: ctx.requestId }, 'lead export: the log entry failed'),
      );

    const chunks = iterateLeadsForExport(deps.db, {
      scope,
      filter,
      chunkSize: EXPORT_CHUNK_ROWS,
    });
    const cell = cells(lang);
    const body = sheetStream(
      format,
      {
        headers: columns.map((col) => EXPORT_LABELS[lang].leadColumn[col]),
        next: () => {
          const next = chunks.next();
          if (next.done) return null;
          for (const row of next.value) ids.push(row.id);
          return next.value.map((row) => columns.map((col) => cell[col](row)));
        },
        done: () => finish('ok'),
        failed: (error) => {
          deps.log.error({ err: error, requestId: ctx.requestId }, 'lead export failed');
          finish('error', { reason: 'failed' });
        },
        aborted: () => {
          chunks.return(undefined);
          finish('error', { reason: 'aborted' });
        },
      },
      'Leads',
    );
    const headers = new Headers({
      'content-type': SHEET_CONTENT_TYPE[format],
      'content-disposition': `attachment; filename="leads-${osloDate(Date.now())}.${format}"`,
      'cache-control': 'no-store',
    });
    for (const cookie of auth.setCookies()) headers.append('set-cookie', cookie);
    return new Response(body, { headers });
  };
}
