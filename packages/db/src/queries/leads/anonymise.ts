import { leadFilterSchema, type Scope } from '@mg/shared';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Conn, Db } from '../../client';
import { leadActivities, leadObjections, leads, outbox, savedViews } from '../../schema';
import { leadScopeById } from './common';

/** Why a run anonymises: the retention job, a data subject request, or an operator's CLI. */
export type AnonymisationReason =
  | { kind: 'retention'; runId: number }
  | { kind: 'request'; requestId: number }
  | { kind: 'cli' };

export type AnonymisationSkip = { id: number; reason: 'legalHold' | 'alreadyAnonymised' };

export interface AnonymisationResult {
  anonymised: number[];
  skipped: AnonymisationSkip[];
  /**
   * Outbox rows of these people that were cleared: their .eml copies (named
   * `<stamp>-<outbox id>-<random>.eml` in OUTBOX_DIR) are for the caller to delete.
   */
  outboxIds: number[];
  /** Saved views whose search text named one of the people and was cleared. */
  viewIds: number[];
}

/** The run's one access-log entry: the lead ids and why (never a name or an address). */
export type AnonymisationLog = (entry: {
  action: string;
  purpose: 'retention' | 'dsr';
  targetType: 'lead';
  targetIds: number[];
  detail: Record<string, unknown>;
}) => void;

/** Bytes a WAL may keep after a checkpoint when it cannot be truncated. */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/** Personal data goes in batches of this many leads per statement (SQLite's variable limit). */
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Words a saved search could find the person by: the name's words, the e-mail, the phone. */
function personTerms(rows: { name: string | null; email: string | null; phone: string | null }[]) {
  const terms = new Set<string>();
  for (const r of rows) {
    for (const word of r.name?.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
      if ([...word].length > 1) terms.add(word);
    if (r.email) terms.add(r.email.toLowerCase());
    const digits = r.phone?.replace(/\D/g, '') ?? '';
    if (digits.length >= 5) {
      terms.add(digits);
      // Typed without the country code as often as with it.
      if (digits.startsWith('47') && digits.length > 8) terms.add(digits.slice(2));
    }
  }
  return terms;
}

function searchNames(search: string, terms: Set<string>): boolean {
  const lower = search.toLowerCase();
  const digits = search.replace(/\D/g, '');
  for (const term of terms) {
    if (/^\d+$/.test(term) ? digits.length >= 5 && term.includes(digits) : lower.includes(term))
      return true;
  }
  for (const word of lower.match(/[\p{L}\p{N}@.+-]+/gu) ?? []) if (terms.has(word)) return true;
  return false;
}

/**
 * The one way personal data is removed (retention, data subject requests, the CLI), inside
 * the caller's transaction. For each lead in scope that is not under legal hold and not
 * anonymised yet: clears name, e-mail, phone, message and its unsubscribe token hash (the
 * update trigger then drops its full-text row, and FTS5's secure-delete removes the terms);
 * clears the text of its notes and of the reasons on its timeline and objections; clears address, subject, body and headers of every outbox
 * row for the lead or its address (pending ones will never be sent); clears the search text
 * of saved views that name the person. Keeps what statistics need: project, subsidiary,
 * dates, status, consent events (ids and purposes only) and disclosures. The suppression
 * list is left alone: an opt-out must outlive the lead. Logs exactly one entry through
 * `log`. Call `checkpointAfterAnonymisation` after the commit so the old bytes leave the WAL.
 */
export function anonymiseLeadsIn(
  conn: Conn,
  {
    scope,
    ids,
    reason,
    log,
  }: { scope: Scope; ids: readonly number[]; reason: AnonymisationReason; log: AnonymisationLog },
  now = Date.now(),
): AnonymisationResult {
  const unique = [...new Set(ids)];
  const found = chunks(unique).flatMap((part) =>
    conn
      .select({
        id: leads.id,
        name: leads.name,
        email: leads.email,
        phone: leads.phone,
        legalHold: leads.legalHold,
        anonymisedAt: leads.anonymisedAt,
      })
      .from(leads)
      .where(and(inArray(leads.id, part), leadScopeById(scope)))
      .all(),
  );
  const skipped: AnonymisationSkip[] = [];
  const due: typeof found = [];
  for (const row of found) {
    if (row.anonymisedAt !== null) skipped.push({ id: row.id, reason: 'alreadyAnonymised' });
    else if (row.legalHold) skipped.push({ id: row.id, reason: 'legalHold' });
    else due.push(row);
  }
  const dueIds = due.map((r) => r.id);
  const outboxIds: number[] = [];
  const viewIds: number[] = [];
  if (dueIds.length > 0) {
    // Outbox rows first: they are found by lead id or by the address, which is cleared next.
    // An address shared with a lead on legal hold stays findable through that lead, so its
    // rows are left for the hold to protect.
    const held = new Set(
      found.filter((r) => r.legalHold && r.anonymisedAt === null).map((r) => r.email),
    );
    const emails = [
      ...new Set(due.map((r) => r.email).filter((e): e is string => !!e && !held.has(e))),
    ];
    const inOutbox = new Set<number>();
    for (const part of chunks(dueIds))
      for (const r of conn
        .select({ id: outbox.id })
        .from(outbox)
        .where(inArray(outbox.leadId, part))
        .all())
        inOutbox.add(r.id);
    for (const part of chunks(emails))
      for (const r of conn
        .select({ id: outbox.id })
        .from(outbox)
        .where(inArray(outbox.toAddress, part))
        .all())
        inOutbox.add(r.id);
    outboxIds.push(...inOutbox);
    const outboxUnique = outboxIds;
    for (const part of chunks(outboxUnique)) {
      conn.run(
        sql`update ${outbox} set to_address = '', subject = '', body = '', headers = null,
            status = case when status = 'pending' then 'failed' else status end,
            last_error = case when status = 'pending' then 'anonymised' else last_error end
            where id in (select value from json_each(${JSON.stringify(part)}))`,
      );
    }
    for (const part of chunks(dueIds)) {
      conn
        .update(leads)
        .set({
          name: null,
          email: null,
          phone: null,
          // The keys of the addresses go with them (the suppression list keeps the opt-outs).
          emailHmac: null,
          phoneHmac: null,
          message: null,
          unsubscribeTokenHash: null,
          restrictedReason: null,
          anonymisedAt: now,
          updatedAt: now,
        })
        .where(inArray(leads.id, part))
        .run();
      // Notes, and the reasons given for a restriction or hold, may name the person.
      conn
        .update(leadActivities)
        .set({ body: null })
        .where(inArray(leadActivities.leadId, part))
        .run();
      conn
        .update(leadObjections)
        .set({ reason: '' })
        .where(inArray(leadObjections.leadId, part))
        .run();
    }
    const terms = personTerms(due);
    if (terms.size > 0) {
      for (const view of conn
        .select({ id: savedViews.id, filter: savedViews.filter })
        .from(savedViews)
        .all()) {
        let state: { filter?: { search?: unknown } } & Record<string, unknown>;
        try {
          state = JSON.parse(view.filter) as typeof state;
        } catch {
          continue;
        }
        const search = state.filter?.search;
        if (typeof search !== 'string' || !searchNames(search, terms)) continue;
        const filter = leadFilterSchema.safeParse({ ...state.filter, search: undefined });
        const next = {
          ...state,
          filter: filter.success ? filter.data : { ...state.filter, search: undefined },
        };
        conn
          .update(savedViews)
          .set({ filter: JSON.stringify(next) })
          .where(eq(savedViews.id, view.id))
          .run();
        viewIds.push(view.id);
      }
    }
    // Merge the full-text segments the deletes touched, so no old segment keeps a term.
    conn.run(sql`insert into leads_fts(leads_fts, rank) values ('merge', 500)`);
  }
  log({
    action: 'lead.anonymise',
    purpose: reason.kind === 'request' ? 'dsr' : 'retention',
    targetType: 'lead',
    targetIds: dueIds,
    detail: {
      reason: reason.kind,
      ...(reason.kind === 'retention' ? { runId: reason.runId } : {}),
      ...(reason.kind === 'request' ? { requestId: reason.requestId } : {}),
      anonymised: dueIds.length,
      skipped: skipped.map((s) => ({ id: s.id, reason: s.reason })),
      notFound: unique.filter((id) => !found.some((r) => r.id === id)),
      outboxCleared: outboxIds.length,
      viewsCleared: viewIds.length,
    },
  });
  return { anonymised: dueIds, skipped, outboxIds, viewIds };
}

/**
 * After the anonymising transaction has committed: copy the WAL into the database file and
 * truncate it, so the old page images (with the removed data) are gone from the -wal file
 * too. secure_delete (on for every connection, see openDatabase) has zeroed the freed
 * space; journal_size_limit keeps a WAL that cannot be truncated (a reader holds it) from
 * staying large. `busy` is true when a reader kept the checkpoint from finishing.
 */
export function checkpointAfterAnonymisation(db: Db): { busy: boolean } {
  db.run(sql`pragma secure_delete = ON`);
  db.run(sql.raw(`pragma journal_size_limit = ${JOURNAL_SIZE_LIMIT}`));
  const [result] = db.all<{ busy: number }>(sql`pragma wal_checkpoint(TRUNCATE)`);
  return { busy: (result?.busy ?? 0) !== 0 };
}

/** Ids of the leads in scope that belong to the same person (same e-mail or phone). */
export function personLeadIds(
  conn: Conn,
  { scope, email, phone }: { scope: Scope; email: string | null; phone: string | null },
): number[] {
  const match = [
    email ? eq(leads.email, email) : undefined,
    phone ? eq(leads.phone, phone) : undefined,
  ];
  if (!email && !phone) return [];
  return conn
    .select({ id: leads.id })
    .from(leads)
    .where(and(or(...match), isNull(leads.anonymisedAt), leadScopeById(scope)))
    .all()
    .map((r) => r.id);
}
