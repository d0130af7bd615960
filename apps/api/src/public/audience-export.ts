import { pipeline, Readable } from 'node:stream';
import { audienceRowsByIds, osloDate } from '@mg/db';
import { consentPurposeSchema, toFieldErrors } from '@mg/shared';
import { stringify } from 'csv-stringify';
import type { Context } from 'hono';
import type { AppBindings, AppDeps } from '../context';
import { logEntry } from '../lib/access-log';
import { csvText } from '../lib/csv';
import { readsOf } from '../lib/slow-reads';
import { authorizeDownload } from './authorize-download';

const ACTION = 'audience.export';
/** Leads read per statement while streaming: short reads between the client's pulls. */
const EXPORT_CHUNK = 1000;
/** Selected ids per access-log entry: a part is logged in well under the 200 ms budget. */
export const AUDIENCE_LOG_PART = 5000;

/**
 * GET /api/exports/audience.csv?purpose=marketing_email — who may receive marketing for a
 * purpose: current consent, not restricted, not anonymised, not suppressed. Needs a session
 * with `audience:export`; every export is logged with the ids it holds (a large one in parts)
 * and their count, and every refusal is logged as denied.
 */
export function audienceExport(deps: AppDeps) {
  return async (c: Context<AppBindings>) => {
    const auth = authorizeDownload(deps, c, {
      action: ACTION,
      permission: 'audience:export',
      purpose: 'marketing',
    });
    if (!auth.ok) return auth.response;
    const { ctx, answer, actor, scope } = auth;
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

    // The ids are selected off the request thread (one GROUP BY over ~500k index entries at a
    // million leads, decision 022), then logged here: the entry names the leads selected for
    // the file. Only their ids are held; the rows are read a chunk at a time as the client
    // takes them, so memory stays flat however large the audience (issue 11).
    const ids = await readsOf(ctx).audienceIds({ scope, purpose: purpose.data });
    // Every id is logged before the first row is read. Each target is an index entry written
    // on this thread (~10–30 µs each, 280k of them held the event loop for seconds at a million
    // leads), so a large selection is logged in parts of AUDIENCE_LOG_PART ids, each entry in its own
    // short transaction with a turn of the event loop between them; together they name the
    // whole selection, and each says which part of how many it is.
    const parts = Math.max(1, Math.ceil(ids.length / AUDIENCE_LOG_PART));
    for (let part = 0; part < parts; part++) {
      if (part > 0) await new Promise((next) => setImmediate(next));
      const slice =
        parts === 1 ? ids : ids.slice(part * AUDIENCE_LOG_PART, (part + 1) * AUDIENCE_LOG_PART);
      ctx.db.transaction((tx) =>
        logEntry(tx, ctx, actor, {
          action: ACTION,
          purpose: 'marketing',
          targetType: 'lead',
          targetIds: slice,
          outcome: 'ok',
          detail: {
            consentPurpose: purpose.data,
            count: ids.length,
            ...(parts > 1 && { part: part + 1, parts }),
          },
        }),
      );
    }

    const contact = purpose.data === 'marketing_email' ? 'email' : 'phone';
    const csv = stringify({
      bom: true,
      header: true,
      columns: ['lead_id', 'name', contact, 'project', 'consent_granted_at'],
    });
    const db = ctx.db;
    const consentPurpose = purpose.data;
    function* records() {
      for (let i = 0; i < ids.length; i += EXPORT_CHUNK)
        for (const r of audienceRowsByIds(db, {
          purpose: consentPurpose,
          ids: ids.slice(i, i + EXPORT_CHUNK),
        }))
          yield [
            r.id,
            csvText(r.name),
            contact === 'email' ? csvText(r.contact) : r.contact,
            csvText(r.projectName),
            new Date(r.grantedAt).toISOString(),
          ];
    }
    // Backpressure from the client; a download cut short tears both streams down.
    pipeline(Readable.from(records()), csv, () => {});
    const filename = `audience-${purpose.data}-${osloDate()}.csv`;
    const headers = new Headers({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    });
    for (const cookie of auth.setCookies()) headers.append('set-cookie', cookie);
    return new Response(Readable.toWeb(csv) as ReadableStream<Uint8Array>, { headers });
  };
}
