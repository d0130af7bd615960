import {
  addDays,
  OUTBOX_KEEP_DAYS,
  osloDate,
  osloDayStart,
  RETENTION_DEFAULT_MONTHS,
  RETENTION_UPCOMING_DAYS,
  retentionCutoff,
  retentionDueDate,
  type Scope,
} from '@mg/shared';
import { and, asc, desc, eq, gte, isNull, lt, or, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection, sqliteOf } from '../client';
import {
  leads,
  outbox,
  projects,
  type RETENTION_TRIGGERS,
  retentionRuns,
  sessions,
  settings,
  subsidiaries,
  users,
} from '../schema';
import { type AnonymisationLog, anonymiseLeadsIn } from './leads/anonymise';

const RETENTION_MONTHS_KEY = 'retention_months';

/** The retention period in months: the settings row, or the policy's default of 36. */
export function getRetentionMonths(conn: Conn): number {
  const row = conn
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, RETENTION_MONTHS_KEY))
    .get();
  const months = row ? Number(row.value) : Number.NaN;
  return Number.isInteger(months) && months > 0 ? months : RETENTION_DEFAULT_MONTHS;
}

export function setRetentionMonths(conn: Conn, months: number, now = Date.now()) {
  conn
    .insert(settings)
    .values({ key: RETENTION_MONTHS_KEY, value: String(months), updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: String(months), updatedAt: now } })
    .run();
}

/**
 * Where a run's walk over the leads last active before its cutoff has got to, in the order of
 * `leads_activity_idx` (last activity, then id). `null`: from the start.
 */
export type RetentionCursor = { at: number; id: number } | null;

/** One step of the walk: the leads it passed that are due, and where the next step starts. */
export interface RetentionStep {
  /** Not anonymised yet; a legal hold keeps some of them (`legalHold`). */
  due: { id: number; legalHold: boolean }[];
  /** `null` once the walk has passed the last lead before the cutoff. */
  next: RetentionCursor;
}

const stepStatements = preparedPerConnection((conn) =>
  // The row value keeps the seek on `leads_activity_idx` (last_activity_at, rowid): each step
  // starts where the last one ended and reads at most `limit` index entries and their rows,
  // whatever share of them earlier runs already anonymised.
  sqliteOf(conn).prepare<
    [number, number, number, number],
    { id: number; at: number; legalHold: number; anonymisedAt: number | null }
  >(
    `select id, last_activity_at as at, legal_hold as legalHold, anonymised_at as anonymisedAt
     from leads indexed by leads_activity_idx
     where last_activity_at < ? and (last_activity_at, id) > (?, ?)
     order by last_activity_at, id limit ?`,
  ),
);

/**
 * The next `limit` leads last active before `cutoffAt` after `after`: a bounded read, so a run
 * over hundreds of thousands of due leads never holds the event loop for long (decision 046).
 */
export function retentionStep(
  conn: Conn,
  { cutoffAt, after, limit }: { cutoffAt: number; after: RetentionCursor; limit: number },
): RetentionStep {
  const rows = stepStatements(conn).all(
    cutoffAt,
    after?.at ?? Number.MIN_SAFE_INTEGER,
    after?.id ?? 0,
    limit,
  );
  const last = rows.at(-1);
  return {
    due: rows
      .filter((r) => r.anonymisedAt === null)
      .map((r) => ({ id: r.id, legalHold: r.legalHold === 1 })),
    next: last && rows.length === limit ? { at: last.at, id: last.id } : null,
  };
}

/**
 * Leads that reach the period within the next 30 days (Oslo dates): last active on or after
 * today's cutoff day and before the cutoff day 30 days on. No names: the page shows when,
 * where and whether a hold keeps them.
 */
export function listUpcomingRetention(conn: Conn, now = Date.now(), limit = 200) {
  const months = getRetentionMonths(conn);
  const from = retentionCutoff(months, now);
  const to = retentionCutoff(months, osloDayStart(addDays(osloDate(now), RETENTION_UPCOMING_DAYS)));
  const where = and(
    isNull(leads.anonymisedAt),
    gte(leads.lastActivityAt, from),
    lt(leads.lastActivityAt, to),
  );
  const rows = conn
    .select({
      id: leads.id,
      projectName: projects.name,
      subsidiaryName: subsidiaries.name,
      lastActivityAt: leads.lastActivityAt,
      legalHold: leads.legalHold,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .where(where)
    .orderBy(asc(leads.lastActivityAt), asc(leads.id))
    .limit(limit)
    .all();
  const total = conn.select({ n: sql<number>`count(*)` }).from(leads).where(where).get()?.n ?? 0;
  return {
    months,
    total,
    items: rows.map((r) => ({ ...r, dueDate: retentionDueDate(r.lastActivityAt, months) })),
  };
}

export function listRetentionRuns(conn: Conn, limit = 20) {
  return conn
    .select({
      id: retentionRuns.id,
      dryRun: retentionRuns.dryRun,
      trigger: retentionRuns.trigger,
      actorName: users.name,
      periodMonths: retentionRuns.periodMonths,
      cutoffAt: retentionRuns.cutoffAt,
      anonymised: retentionRuns.anonymised,
      skippedLegalHold: retentionRuns.skippedLegalHold,
      sessionsDeleted: retentionRuns.sessionsDeleted,
      outboxDeleted: retentionRuns.outboxDeleted,
      startedAt: retentionRuns.startedAt,
      finishedAt: retentionRuns.finishedAt,
      status: retentionRuns.status,
    })
    .from(retentionRuns)
    .leftJoin(users, eq(users.id, retentionRuns.actorUserId))
    .orderBy(desc(retentionRuns.id))
    .limit(limit)
    .all();
}

/** Sessions past their idle or absolute lifetime (the same limits the login check uses). */
function expiredSessions(now: number, idleMs: number, absoluteMs: number) {
  return or(lt(sessions.lastActiveAt, now - idleMs), lt(sessions.createdAt, now - absoluteMs));
}

/** Sent mail older than 30 days: the forwarding log keeps a month. */
function oldSentOutbox(now: number) {
  return and(eq(outbox.status, 'sent'), lt(outbox.sentAt, now - OUTBOX_KEEP_DAYS * 86_400_000));
}

/** What a run is for, fixed when it starts: the period in force then and its cutoff. */
export interface RetentionRunStart {
  runId: number;
  periodMonths: number;
  cutoffAt: number;
}

/**
 * Record a run as started (status `running`, zero counts), in its own short transaction: the
 * row exists while the run works through its batches, so the page shows it running and a
 * stopped process leaves a trace (`markInterruptedRetentionRuns`).
 */
export function startRetentionRun(
  conn: Conn,
  {
    dryRun,
    trigger,
    actorUserId,
  }: {
    dryRun: boolean;
    trigger: (typeof RETENTION_TRIGGERS)[number];
    actorUserId: number | null;
  },
  now = Date.now(),
): RetentionRunStart {
  const periodMonths = getRetentionMonths(conn);
  const cutoffAt = retentionCutoff(periodMonths, now);
  const run = conn
    .insert(retentionRuns)
    .values({
      dryRun,
      trigger,
      actorUserId,
      periodMonths,
      cutoffAt,
      anonymised: 0,
      skippedLegalHold: 0,
      sessionsDeleted: 0,
      outboxDeleted: 0,
      startedAt: now,
      finishedAt: now,
      status: 'running',
    })
    .returning({ id: retentionRuns.id })
    .get();
  return { runId: run.id, periodMonths, cutoffAt };
}

export interface RetentionBatchResult {
  anonymised: number[];
  skippedLegalHold: number[];
  /** Outbox rows cleared: their .eml files are for the caller to delete after the commit. */
  outboxIds: number[];
}

/**
 * One batch of a real run, in the caller's transaction: of `ids` (found by `retentionStep`
 * a moment earlier), those still last active before the cutoff are anonymised through
 * anonymiseLeadsIn (the one way; it skips a legal hold and leads already anonymised, and
 * logs the batch's one entry), and the run's counts grow by what this batch did, so the row
 * always matches what has committed. A lead that had new activity since the step is no
 * longer due and is left alone.
 */
export function anonymiseRetentionBatch(
  conn: Conn,
  {
    scope,
    run,
    ids,
    log,
  }: { scope: Scope; run: RetentionRunStart; ids: readonly number[]; log: AnonymisationLog },
  now = Date.now(),
): RetentionBatchResult {
  const stillDue = conn
    .select({ id: leads.id })
    .from(leads)
    .where(
      and(
        sql`${leads.id} in (select value from json_each(${JSON.stringify(ids)}))`,
        lt(leads.lastActivityAt, run.cutoffAt),
      ),
    )
    .all()
    .map((r) => r.id);
  const done =
    stillDue.length === 0
      ? { anonymised: [], skipped: [], outboxIds: [] }
      : anonymiseLeadsIn(
          conn,
          { scope, ids: stillDue, reason: { kind: 'retention', runId: run.runId }, log },
          now,
        );
  const skippedLegalHold = done.skipped.filter((s) => s.reason === 'legalHold').map((s) => s.id);
  conn
    .update(retentionRuns)
    .set({
      anonymised: sql`${retentionRuns.anonymised} + ${done.anonymised.length}`,
      skippedLegalHold: sql`${retentionRuns.skippedLegalHold} + ${skippedLegalHold.length}`,
      finishedAt: Date.now(),
    })
    .where(eq(retentionRuns.id, run.runId))
    .run();
  return { anonymised: done.anonymised, skippedLegalHold, outboxIds: done.outboxIds };
}

/** What a finished run did, as its row says and the caller reports. */
export interface RetentionRunTotals {
  anonymised: number;
  skippedLegalHold: number;
  sessionsDeleted: number;
  outboxDeleted: number;
}

/**
 * The end of a run, in one transaction: expired sessions and sent mail older than 30 days
 * are deleted (a dry run counts them), the run is marked finished with its totals, and its
 * closing entry is logged (a dry run's only one; a real run's batches logged their leads).
 * `counted` is what a dry run's walk found; a real run's counts are already on its row.
 * Returns the totals and the outbox rows deleted (their .eml files are for the caller).
 */
export function finishRetentionRun(
  conn: Conn,
  {
    run,
    dryRun,
    counted,
    session,
    log,
  }: {
    run: RetentionRunStart;
    dryRun: boolean;
    counted: { due: number; held: number };
    session: { idleMs: number; absoluteMs: number };
    log: AnonymisationLog;
  },
  now = Date.now(),
): RetentionRunTotals & { outboxIds: number[] } {
  const sessionWhere = expiredSessions(now, session.idleMs, session.absoluteMs);
  const outboxWhere = oldSentOutbox(now);
  const count = (table: typeof sessions | typeof outbox, where: ReturnType<typeof and>) =>
    conn.select({ n: sql<number>`count(*)` }).from(table).where(where).get()?.n ?? 0;
  let cleanup: { sessionsDeleted: number; outboxDeleted: number; outboxIds: number[] };
  if (dryRun) {
    cleanup = {
      sessionsDeleted: count(sessions, sessionWhere),
      outboxDeleted: count(outbox, outboxWhere),
      outboxIds: [],
    };
  } else {
    const oldOutbox = conn.select({ id: outbox.id }).from(outbox).where(outboxWhere).all();
    conn.delete(outbox).where(outboxWhere).run();
    cleanup = {
      sessionsDeleted: conn.delete(sessions).where(sessionWhere).run().changes,
      outboxDeleted: oldOutbox.length,
      outboxIds: oldOutbox.map((r) => r.id),
    };
  }
  const row = conn
    .update(retentionRuns)
    .set({
      ...(dryRun ? { anonymised: counted.due, skippedLegalHold: counted.held } : {}),
      sessionsDeleted: cleanup.sessionsDeleted,
      outboxDeleted: cleanup.outboxDeleted,
      finishedAt: Date.now(),
      status: 'finished',
    })
    .where(eq(retentionRuns.id, run.runId))
    .returning({
      anonymised: retentionRuns.anonymised,
      skippedLegalHold: retentionRuns.skippedLegalHold,
    })
    .get();
  const totals = {
    anonymised: row?.anonymised ?? 0,
    skippedLegalHold: row?.skippedLegalHold ?? 0,
    sessionsDeleted: cleanup.sessionsDeleted,
    outboxDeleted: cleanup.outboxDeleted,
  };
  // The run's closing entry: a dry run's only one, a real run's summary after its batches'.
  log({
    action: dryRun ? 'retention.dryRun' : 'retention.run',
    purpose: 'retention',
    targetType: 'lead',
    targetIds: [],
    detail: dryRun
      ? { runId: run.runId, due: counted.due + counted.held, skippedLegalHold: counted.held }
      : { runId: run.runId, ...totals },
  });
  return { ...totals, outboxIds: cleanup.outboxIds };
}

/**
 * Mark runs `interrupted`: the one that failed (`runId`), or at start-up every run a stopped
 * process left `running`. Their counts stay: they say what the committed batches did.
 */
export function markInterruptedRetentionRuns(conn: Conn, runId?: number): number {
  return conn
    .update(retentionRuns)
    .set({ status: 'interrupted', finishedAt: Date.now() })
    .where(
      and(
        eq(retentionRuns.status, 'running'),
        runId === undefined ? undefined : eq(retentionRuns.id, runId),
      ),
    )
    .run().changes;
}
