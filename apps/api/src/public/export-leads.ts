import { iterateLeadsForExport, type LeadListRow } from '@mg/db';
import {
  type AuditPurpose,
  type ExportPurpose,
  type LeadColumn,
  leadExportInput,
  osloDate,
  toFieldErrors,
} from '@mg/shared';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import type { AppBindings, AppDeps } from '../context';
import { filterKeys, logNow } from '../lib/access-log';
import { csvText } from '../lib/csv';
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

const time = (value: number | null) => (value === null ? '' : new Date(value).toISOString());

/** One cell per column, exactly the grid's allow-list. */
const CELL: Record<LeadColumn, (row: LeadListRow) => string | number> = {
  id: (r) => r.id,
  createdAt: (r) => time(r.createdAt),
  name: (r) => csvText(r.name),
  email: (r) => csvText(r.email),
  // E.164 from intake: "+47…" is a number, not a formula, and must stay as it is.
  phone: (r) => r.phone ?? '',
  project: (r) => csvText(r.projectName),
  subsidiary: (r) => csvText(r.subsidiaryName),
  status: (r) => r.status,
  assignee: (r) => csvText(r.assigneeName),
  consentEmail: (r) => String(r.consentEmail),
  consentSms: (r) => String(r.consentSms),
  lastActivityAt: (r) => time(r.lastActivityAt),
  restricted: (r) => String(r.restricted),
  legalHold: (r) => String(r.legalHold),
  anonymisedAt: (r) => time(r.anonymisedAt),
};

function parseJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return Symbol('invalid json');
  }
}

/**
 * GET /api/exports/leads.csv?filter=<json>&columns=<a,b,c>&purpose=<follow_up|reporting|handover>
 *
 * Exactly the grid's rows (its filter and sort, in the caller's scope, restricted leads left
 * out) and columns. Needs a session with `lead:export`. Streamed by keyset, a chunk at a
 * time, so 100k rows are never held together. Two access-log entries: 'lead.exportStarted'
 * with the filter keys, columns and purpose before the first row is read, and 'lead.export'
 * when the stream ends, with every exported id and the count (outcome 'error' and the ids
 * sent so far if the download breaks off). Refusals are logged as denied.
 */
export function exportLeads(deps: AppDeps) {
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

    const about = { purpose: AUDIT_PURPOSE[purpose], targetType: 'lead' as const };
    // Codes and keys only: never the words searched for.
    const asked = {
      exportPurpose: purpose,
      columns,
      filters: filterKeys(filter),
      searched: Boolean(filter.search),
      sort: filter.sort,
      dir: filter.dir,
    };
    logNow(ctx.db, ctx, actor, { ...about, action: STARTED_ACTION, outcome: 'ok', detail: asked });

    const ids: number[] = [];
    let logged = false;
    const finish = (outcome: 'ok' | 'error', extra: Record<string, unknown> = {}) => {
      if (logged) return;
      logged = true;
      logNow(ctx.db, ctx, actor, {
        ...about,
        action: ACTION,
        targetIds: ids,
        outcome,
        detail: { ...asked, count: ids.length, ...extra },
      });
    };

    const chunks = iterateLeadsForExport(deps.db, {
      scope,
      filter,
      chunkSize: EXPORT_CHUNK_ROWS,
    });
    const encoder = new TextEncoder();
    const header = `\uFEFF${stringify([columns])}`;
    // Pull-based: the next chunk is read from the database only when the client has taken
    // the previous one, so a slow download never piles rows up in memory.
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
            const records = next.value.map((row) => columns.map((col) => CELL[col](row)));
            controller.enqueue(encoder.encode(stringify(records)));
          } catch (error) {
            deps.log.error({ err: error, requestId: ctx.requestId }, 'lead export failed');
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
    const headers = new Headers({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="leads-${osloDate(Date.now())}.csv"`,
      'cache-control': 'no-store',
    });
    for (const cookie of auth.setCookies()) headers.append('set-cookie', cookie);
    return new Response(body, { headers });
  };
}
