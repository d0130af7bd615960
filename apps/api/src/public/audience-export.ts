import { setImmediate as nextTurn } from 'node:timers/promises';
import { audienceRowsByIds, type Db, osloDate } from '@mg/db';
import { type ConsentPurpose, consentPurposeSchema, toFieldErrors } from '@mg/shared';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import type { AppBindings, AppDeps } from '../context';
import { LOG_IDS_PART, logNowInParts } from '../lib/access-log';
import { csvText } from '../lib/csv';
import { readsOf } from '../lib/slow-reads';
import { authorizeDownload } from './authorize-download';

const ACTION = 'audience.export';
/** Leads read per statement while streaming: short reads between the client's pulls. */
const EXPORT_CHUNK = 1000;
/** Selected ids per access-log entry: the default part of `logNowInParts` (decision 047). */
export const AUDIENCE_LOG_PART = LOG_IDS_PART;

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
    // leads), so a large selection is logged in parts of AUDIENCE_LOG_PART ids, each entry in
    // its own short transaction with a turn of the event loop between them; together they name
    // the whole selection, each id once, and each says which part of how many it is.
    const about = {
      action: ACTION,
      purpose: 'marketing' as const,
      targetType: 'lead' as const,
    };
    await logNowInParts(ctx.db, ctx, actor, {
      ...about,
      targetIds: ids,
      outcome: 'ok',
      detail: { consentPurpose: purpose.data, count: ids.length },
    });

    const body = audienceCsvStream(ctx.db, purpose.data, ids, (sent) => {
      // Operators see a download cut short (no personal data: counts only).
      if (sent.complete) {
        ctx.log.info(
          { action: ACTION, requestId: ctx.requestId, rows: sent.rows },
          'audience export sent',
        );
        return;
      }
      ctx.log.info(
        { action: ACTION, requestId: ctx.requestId, rows: sent.rows, selected: ids.length },
        sent.reason === 'failed'
          ? 'audience export failed'
          : 'audience export cut short by the client',
      );
      // The log says what left as well: an 'error' entry with the ids of the rows sent so far
      // (as the lead export writes one), in parts a turn of the event loop apart. The download
      // has ended by then, so a failure to log is reported to the operators.
      logNowInParts(ctx.db, ctx, actor, {
        ...about,
        targetIds: sent.ids,
        outcome: 'error',
        detail: {
          consentPurpose: purpose.data,
          count: sent.rows,
          selected: ids.length,
          reason: sent.reason,
        },
      }).catch((err: unknown) =>
        ctx.log.error({ err, requestId: ctx.requestId }, 'audience export: the log entry failed'),
      );
    });
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

/** How a download ended: every row sent, or cut short (with the ids of the rows that left). */
export type AudienceSent =
  | { complete: true; rows: number }
  | { complete: false; rows: number; ids: Float64Array; reason: 'aborted' | 'failed' };

/**
 * One part of the file: the rows of these ids (read in one statement; leads changed since the
 * selection are left out), as one CSV text, and the ids of the rows it holds. The first part
 * starts with the byte-order mark and the header (decision 010), even when it holds no rows.
 */
export function audienceCsvChunk(
  db: Db,
  purpose: ConsentPurpose,
  ids: readonly number[],
  first: boolean,
): { text: string; ids: number[] } {
  const contact = purpose === 'marketing_email' ? 'email' : 'phone';
  const rows = audienceRowsByIds(db, { purpose, ids });
  const records = rows.map((r) => [
    r.id,
    csvText(r.name),
    contact === 'email' ? csvText(r.contact) : r.contact,
    csvText(r.projectName),
    new Date(r.grantedAt).toISOString(),
  ]);
  const text = stringify(
    records,
    first
      ? {
          bom: true,
          header: true,
          columns: ['lead_id', 'name', contact, 'project', 'consent_granted_at'],
        }
      : {},
  );
  return { text, ids: rows.map((r) => r.id) };
}

/**
 * The file as a pull stream: each read of the client (through the socket's backpressure, and
 * the compression in between) takes the next EXPORT_CHUNK ids, reads their rows in one
 * statement and hands one CSV text of them on (`audienceCsvChunk`), then the event loop turns
 * before the next part (issue 10: each part is a short synchronous slice, ~10–20 ms). Nothing
 * is read ahead of the client, so memory holds the ids and one part however large the
 * audience (issue 11), and a client that goes away cancels the stream: no further part is
 * read. One chunk per part, not per row: a chunk per record through csv-stringify's stream,
 * the web stream adapter and the compression cost ~130 µs of this thread a row (36 s for
 * 280,745 rows at a million leads).
 */
export function audienceCsvStream(
  db: Db,
  purpose: ConsentPurpose,
  ids: Float64Array,
  done: (sent: AudienceSent) => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // The ids of the rows handed on so far, in file order (never more than were selected).
  const sent = new Float64Array(ids.length);
  let next = 0;
  let rows = 0;
  let ended = false;
  const cutShort = (reason: 'aborted' | 'failed') => {
    if (ended) return;
    ended = true;
    done({ complete: false, rows, ids: sent.subarray(0, rows), reason });
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Parts whose leads all changed since they were selected give no text: read on.
          for (;;) {
            if (next > 0) await nextTurn();
            if (ended) return;
            const part = audienceCsvChunk(
              db,
              purpose,
              Array.from(ids.subarray(next, next + EXPORT_CHUNK)),
              next === 0,
            );
            next += EXPORT_CHUNK;
            sent.set(part.ids, rows);
            rows += part.ids.length;
            const end = next >= ids.length;
            if (part.text !== '') controller.enqueue(encoder.encode(part.text));
            if (end) {
              ended = true;
              controller.close();
              done({ complete: true, rows });
              return;
            }
            if (part.text !== '') return;
          }
        } catch (error) {
          cutShort('failed');
          throw error;
        }
      },
      cancel() {
        cutShort('aborted');
      },
    },
    // Read only when the client asks: no part is read ahead.
    { highWaterMark: 0 },
  );
}
