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
import type { Conn } from '../client';
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

/** Leads past the period: not anonymised, last active before the cutoff. */
function dueCondition(cutoff: number) {
  return and(isNull(leads.anonymisedAt), lt(leads.lastActivityAt, cutoff));
}

/** Ids of the leads past the period, and how many of them a legal hold keeps. */
export function listDueLeads(conn: Conn, cutoff: number) {
  return conn
    .select({ id: leads.id, legalHold: leads.legalHold })
    .from(leads)
    .where(dueCondition(cutoff))
    .orderBy(asc(leads.id))
    .all();
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

export type RetentionRunResult = {
  runId: number | null;
  dryRun: boolean;
  periodMonths: number;
  cutoffAt: number;
  anonymised: number;
  skippedLegalHold: number;
  skipped: { id: number; reason: string }[];
  sessionsDeleted: number;
  outboxDeleted: number;
  /** Outbox rows removed or cleared: their .eml files are for the caller to delete. */
  outboxIds: number[];
};

/**
 * One retention run, in the caller's transaction: anonymise every lead past the period
 * (through anonymiseLeadsIn, the one way), skipping those under legal hold; delete expired
 * sessions and sent outbox rows older than 30 days; record the run. A dry run counts the
 * same things and records itself, but changes nothing else (it logs through `log` too, so
 * both kinds show in the access log). The scope is every subsidiary: retention applies to
 * all leads.
 */
export function runRetention(
  conn: Conn,
  {
    scope,
    dryRun,
    trigger,
    actorUserId,
    session,
    log,
  }: {
    scope: Scope;
    dryRun: boolean;
    trigger: (typeof RETENTION_TRIGGERS)[number];
    actorUserId: number | null;
    session: { idleMs: number; absoluteMs: number };
    log: AnonymisationLog;
  },
  now = Date.now(),
): RetentionRunResult {
  const periodMonths = getRetentionMonths(conn);
  const cutoffAt = retentionCutoff(periodMonths, now);
  const due = listDueLeads(conn, cutoffAt);
  const sessionWhere = expiredSessions(now, session.idleMs, session.absoluteMs);
  const outboxWhere = oldSentOutbox(now);
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
    })
    .returning({ id: retentionRuns.id })
    .get();
  let result: Omit<RetentionRunResult, 'runId' | 'dryRun' | 'periodMonths' | 'cutoffAt'>;
  if (dryRun) {
    const held = due.filter((d) => d.legalHold);
    result = {
      anonymised: due.length - held.length,
      skippedLegalHold: held.length,
      skipped: held.map((d) => ({ id: d.id, reason: 'legalHold' })),
      sessionsDeleted:
        conn.select({ n: sql<number>`count(*)` }).from(sessions).where(sessionWhere).get()?.n ?? 0,
      outboxDeleted:
        conn.select({ n: sql<number>`count(*)` }).from(outbox).where(outboxWhere).get()?.n ?? 0,
      outboxIds: [],
    };
    log({
      action: 'retention.dryRun',
      purpose: 'retention',
      targetType: 'lead',
      targetIds: [],
      detail: { runId: run.id, due: due.length, skippedLegalHold: held.length },
    });
  } else {
    const done = anonymiseLeadsIn(
      conn,
      { scope, ids: due.map((d) => d.id), reason: { kind: 'retention', runId: run.id }, log },
      now,
    );
    const oldOutbox = conn.select({ id: outbox.id }).from(outbox).where(outboxWhere).all();
    conn.delete(outbox).where(outboxWhere).run();
    const sessionsDeleted = conn.delete(sessions).where(sessionWhere).run().changes;
    const skipped = done.skipped.filter((s) => s.reason === 'legalHold');
    result = {
      anonymised: done.anonymised.length,
      skippedLegalHold: skipped.length,
      skipped,
      sessionsDeleted,
      outboxDeleted: oldOutbox.length,
      outboxIds: [...done.outboxIds, ...oldOutbox.map((r) => r.id)],
    };
  }
  conn
    .update(retentionRuns)
    .set({
      anonymised: result.anonymised,
      skippedLegalHold: result.skippedLegalHold,
      sessionsDeleted: result.sessionsDeleted,
      outboxDeleted: result.outboxDeleted,
      finishedAt: Date.now(),
    })
    .where(eq(retentionRuns.id, run.id))
    .run();
  return { runId: run.id, dryRun, periodMonths, cutoffAt, ...result };
}
