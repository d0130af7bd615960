import {
  addDays,
  LEAD_STATUSES,
  type LeadStatus,
  osloDate,
  type Scope,
  scopeFor,
  seededRandom,
  weekStart,
} from '@mg/shared';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { faker, makeLead, makeProject, makeSubsidiary, makeUser } from './factories';
import { dashboardSummary } from './queries/dashboard';
import { anonymiseLeadsIn } from './queries/leads';
import { leadDayCounts, leadMonthCounts, leads, leadWeekCounts } from './schema';
import { createTestDatabase, TEST_PASSWORD_HASH } from './testing';

/**
 * lead_day_counts is derived data kept by triggers (migration 0013): after random writes of
 * every kind the table must equal a recount of the leads made here in JavaScript (Oslo day by
 * @mg/shared's osloDate, not by the SQL that the triggers use), and the dashboard read from it
 * must equal the dashboard counted from the leads themselves, for random ranges and scopes.
 */

const handle = createTestDatabase();
const { db } = handle;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ALL: Scope = scopeFor({ role: 'admin', subsidiaryId: null });

/** Instants at and around Oslo midnights next to both summer-time switches, and New Year. */
const EDGES = [
  '2024-03-30T23:00:00Z', // 00:00 CET on the day of the spring switch
  '2024-03-31T01:00:00Z', // 02:00 CET becomes 03:00 CEST
  '2024-03-31T22:00:00Z', // 00:00 CEST
  '2024-10-26T22:00:00Z', // 00:00 CEST on the day of the autumn switch
  '2024-10-27T01:00:00Z', // 03:00 CEST becomes 02:00 CET
  '2024-10-27T23:00:00Z', // 00:00 CET
  '2024-12-31T23:00:00Z', // New Year in Oslo
  '2025-03-29T23:00:00Z',
  '2025-03-30T01:00:00Z',
  '2025-10-25T22:00:00Z',
  '2025-10-26T01:00:00Z',
].flatMap((iso) => {
  const at = Date.parse(iso);
  return [at - 1, at, at + 1];
});

let projects: { id: number; subsidiaryId: number }[] = [];
let subsidiaries: number[] = [];

interface Counted {
  n: number;
  consentEmail: number;
  consentSms: number;
}

function recount(): Map<string, Counted> {
  const out = new Map<string, Counted>();
  for (const l of db.select().from(leads).all()) {
    const key = `${osloDate(l.createdAt)}|${l.subsidiaryId}|${l.projectId}|${l.status}`;
    const c = out.get(key) ?? { n: 0, consentEmail: 0, consentSms: 0 };
    c.n += 1;
    c.consentEmail += l.consentEmail ? 1 : 0;
    c.consentSms += l.consentSms ? 1 : 0;
    out.set(key, c);
  }
  return out;
}

function stored(): Map<string, Counted> {
  const out = new Map<string, Counted>();
  for (const r of db.select().from(leadDayCounts).all())
    out.set(`${r.day}|${r.subsidiaryId}|${r.projectId}|${r.status}`, {
      n: r.n,
      consentEmail: r.consentEmail,
      consentSms: r.consentSms,
    });
  return out;
}

interface WeekCounted extends Counted {
  byStatus: Record<LeadStatus, number>;
}

/** The first day of an ISO date's month: lead_month_counts' key. */
const monthStart = (day: string) => `${day.slice(0, 8)}01`;

/**
 * Per Oslo week (its Monday), subsidiary and project: what lead_week_counts must hold; with
 * `monthStart`, per Oslo month: what lead_month_counts must hold.
 */
function recountWeeks(bucket: (day: string) => string = weekStart): Map<string, WeekCounted> {
  const out = new Map<string, WeekCounted>();
  for (const l of db.select().from(leads).all()) {
    const key = `${bucket(osloDate(l.createdAt))}|${l.subsidiaryId}|${l.projectId}`;
    const c = out.get(key) ?? {
      n: 0,
      consentEmail: 0,
      consentSms: 0,
      byStatus: { new: 0, contacted: 0, follow_up: 0, sold: 0, closed: 0 },
    };
    c.n += 1;
    c.consentEmail += l.consentEmail ? 1 : 0;
    c.consentSms += l.consentSms ? 1 : 0;
    c.byStatus[l.status] += 1;
    out.set(key, c);
  }
  return out;
}

function storedWeeks(table: 'week' | 'month' = 'week'): Map<string, WeekCounted> {
  const out = new Map<string, WeekCounted>();
  const rows =
    table === 'week'
      ? db.select().from(leadWeekCounts).all()
      : db
          .select()
          .from(leadMonthCounts)
          .all()
          .map(({ month, ...r }) => ({ week: month, ...r }));
  for (const r of rows)
    out.set(`${r.week}|${r.subsidiaryId}|${r.projectId}`, {
      n: r.n,
      consentEmail: r.consentEmail,
      consentSms: r.consentSms,
      byStatus: {
        new: r.statusNew,
        contacted: r.statusContacted,
        follow_up: r.statusFollowUp,
        sold: r.statusSold,
        closed: r.statusClosed,
      },
    });
  return out;
}

/** New, unassigned, not restricted, not anonymised: per subsidiary. */
function recountUnhandled(): Map<number, number> {
  const out = new Map<number, number>();
  for (const l of db.select().from(leads).all())
    if (l.status === 'new' && l.assigneeUserId === null && !l.restricted && l.anonymisedAt === null)
      out.set(l.subsidiaryId, (out.get(l.subsidiaryId) ?? 0) + 1);
  return out;
}

function storedUnhandled(): Map<number, number> {
  const rows = db.all<{ s: number; n: number }>(
    sql`select subsidiary_id as s, n from lead_unhandled_counts where n <> 0`,
  );
  return new Map(rows.map((r) => [r.s, r.n]));
}

let userId = 0;
const random = seededRandom(11);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const randomTime = () =>
  random() < 0.3
    ? pick(EDGES)
    : Date.parse('2024-01-01T00:00:00Z') + Math.floor(random() * 730 * DAY);

beforeAll(() => {
  faker.seed(5);
  db.transaction((tx) => {
    subsidiaries = [1, 2, 3].map((i) => makeSubsidiary(tx, { name: `Tellesub ${i} AS` }));
    userId = makeUser(tx, {
      email: 'teller@test.no',
      role: 'subsidiary_user',
      subsidiaryId: subsidiaries[0] ?? 0,
      passwordHash: TEST_PASSWORD_HASH,
    });
    projects = subsidiaries.flatMap((s) =>
      [0, 1].map(() => ({ id: makeProject(tx, s), subsidiaryId: s })),
    );
    for (let i = 0; i < 1200; i++)
      makeLead(tx, pick(projects), {
        createdAt: randomTime(),
        status: pick(LEAD_STATUSES),
        consent: { marketing_email: random() < 0.5, marketing_sms: random() < 0.3 },
      });
  });
});

describe('lead_day_counts', () => {
  it('equals a recount of the leads after random writes of every kind', () => {
    expect(stored().size).toBeGreaterThan(100);
    expect(stored()).toEqual(recount());
    expect(storedWeeks().size).toBeGreaterThan(100);
    expect(storedWeeks()).toEqual(recountWeeks());
    expect(storedWeeks('month').size).toBeGreaterThan(100);
    expect(storedWeeks('month')).toEqual(recountWeeks(monthStart));

    const ids = () =>
      db
        .select({ id: leads.id })
        .from(leads)
        .all()
        .map((r) => r.id);
    const deletable: number[] = [];
    let deleted = 0;
    for (let step = 0; step < 400; step++) {
      const op = Math.floor(random() * 8);
      const id = pick(ids());
      if (op === 0) {
        db.update(leads)
          .set({ status: pick(LEAD_STATUSES) as LeadStatus })
          .where(eq(leads.id, id))
          .run();
      } else if (op === 1) {
        // A project move: project and subsidiary change together.
        const to = pick(projects);
        db.update(leads)
          .set({ projectId: to.id, subsidiaryId: to.subsidiaryId })
          .where(eq(leads.id, id))
          .run();
      } else if (op === 2) {
        db.update(leads)
          .set(random() < 0.5 ? { consentEmail: random() < 0.5 } : { consentSms: random() < 0.5 })
          .where(eq(leads.id, id))
          .run();
      } else if (op === 3) {
        // Columns the counts do not hold: no change.
        db.update(leads).set({ lastActivityAt: randomTime() }).where(eq(leads.id, id)).run();
      } else if (op === 4) {
        // A bare new lead with nothing attached, so it can also be deleted below.
        const to = pick(projects);
        const at = randomTime();
        const row = db
          .insert(leads)
          .values({
            projectId: to.id,
            subsidiaryId: to.subsidiaryId,
            source: 'demo',
            status: pick(LEAD_STATUSES),
            consentSms: random() < 0.5,
            createdAt: at,
            statusChangedAt: at,
            lastActivityAt: at,
            updatedAt: at,
          })
          .returning({ id: leads.id })
          .get();
        deletable.push(row.id);
      } else if (op === 6) {
        // Taken or let go, restricted or lifted: what makes a new lead "unhandled".
        db.update(leads)
          .set(
            random() < 0.5
              ? { assigneeUserId: random() < 0.5 ? null : userId }
              : { restricted: random() < 0.3 },
          )
          .where(eq(leads.id, id))
          .run();
      } else if (op === 7) {
        db.update(leads).set({ status: 'new' }).where(eq(leads.id, id)).run();
      } else if (deletable.length > 0) {
        const gone = deletable.splice(Math.floor(random() * deletable.length), 1)[0];
        if (gone !== undefined) deleted += db.delete(leads).where(eq(leads.id, gone)).run().changes;
      }
    }
    anonymiseLeadsIn(db, {
      scope: ALL,
      ids: ids().slice(0, 40),
      reason: { kind: 'cli' },
      log: () => {},
    });
    expect(deleted).toBeGreaterThan(5);
    expect(stored()).toEqual(recount());
    expect(storedWeeks()).toEqual(recountWeeks());
    expect(storedWeeks('month')).toEqual(recountWeeks(monthStart));
    expect(storedUnhandled()).toEqual(recountUnhandled());
    expect(recountUnhandled().size).toBeGreaterThan(1);
    // No empty rows are left behind.
    expect(db.select().from(leadDayCounts).where(eq(leadDayCounts.n, 0)).all()).toEqual([]);
    expect(db.select().from(leadWeekCounts).where(eq(leadWeekCounts.n, 0)).all()).toEqual([]);
    expect(db.select().from(leadMonthCounts).where(eq(leadMonthCounts.n, 0)).all()).toEqual([]);
  });

  it('moves week and month counts along when a day row itself is re-keyed or removed', () => {
    // No leads trigger does this; the week and month triggers must still follow any day-row
    // change. A day late in its month, so nine days on is another week and another month.
    const before = storedWeeks();
    const beforeMonths = storedWeeks('month');
    const row = db.select().from(leadDayCounts).where(sql`substr(day, 9, 2) >= '23'`).get();
    if (!row) throw new Error('no day counts');
    const moved = addDays(row.day, 9);
    db.update(leadDayCounts)
      .set({ day: moved })
      .where(
        sql`day = ${row.day} and subsidiary_id = ${row.subsidiaryId} and project_id = ${row.projectId} and status = ${row.status}`,
      )
      .run();
    const rollup = (bucket: (day: string) => string = weekStart) => {
      const out = new Map<string, WeekCounted>();
      for (const r of db.select().from(leadDayCounts).all()) {
        const key = `${bucket(r.day)}|${r.subsidiaryId}|${r.projectId}`;
        const c = out.get(key) ?? {
          n: 0,
          consentEmail: 0,
          consentSms: 0,
          byStatus: { new: 0, contacted: 0, follow_up: 0, sold: 0, closed: 0 },
        };
        c.n += r.n;
        c.consentEmail += r.consentEmail;
        c.consentSms += r.consentSms;
        c.byStatus[r.status] += r.n;
        out.set(key, c);
      }
      return out;
    };
    expect(storedWeeks()).not.toEqual(before);
    expect(storedWeeks()).toEqual(rollup());
    expect(storedWeeks('month')).not.toEqual(beforeMonths);
    expect(storedWeeks('month')).toEqual(rollup(monthStart));
    db.delete(leadDayCounts).where(sql`day = ${moved}`).run();
    expect(storedWeeks()).toEqual(rollup());
    expect(storedWeeks('month')).toEqual(rollup(monthStart));
    // Put the day counts back as the leads say, for the test below.
    db.delete(leadDayCounts).run();
    for (const [key, c] of recount()) {
      const [day = '', sub, project, status] = key.split('|');
      db.insert(leadDayCounts)
        .values({
          day,
          subsidiaryId: Number(sub),
          projectId: Number(project),
          status: status as LeadStatus,
          ...c,
        })
        .run();
    }
    expect(storedWeeks()).toEqual(recountWeeks());
    expect(storedWeeks('month')).toEqual(recountWeeks(monthStart));
  });

  it('draws long ranges by month, exact to the day at both ends, across summer time', () => {
    const scopes: Scope[] = [
      ALL,
      ...subsidiaries.map((s) => scopeFor({ role: 'subsidiary_user', subsidiaryId: s })),
    ];
    const now = Date.parse('2025-06-15T12:00:00Z');
    // Ends on the days of the summer-time switches and New Year (leads sit a millisecond on
    // either side of those Oslo midnights), inside a month, on a month's first and last day.
    for (const [from, to] of [
      ['2024-03-31', '2024-10-27'],
      ['2024-10-27', '2025-06-30'],
      ['2024-03-30', '2025-10-26'],
      ['2025-01-01', '2025-10-25'],
      ['2024-02-01', '2024-12-31'],
      ['2024-01-17', '2025-12-03'],
    ] as const) {
      let total = 0;
      for (const scope of scopes) {
        const fromCounts = dashboardSummary(db, { scope, from, to, now });
        expect(fromCounts.interval).toBe('month');
        expect(fromCounts.periods[0]).toBe(`${from.slice(0, 8)}01`);
        expect(fromCounts.periods.at(-1)).toBe(`${to.slice(0, 8)}01`);
        const fromLeads = dashboardSummary(db, { scope, from, to, now, source: 'leads' });
        expect(fromCounts, `${from}..${to}`).toEqual(fromLeads);
        total += fromCounts.total;
      }
      expect(total).toBeGreaterThan(0);
    }
  });

  it('gives the dashboard exactly what counting the leads gives, for random ranges and scopes', () => {
    const scopes: Scope[] = [
      ALL,
      ...subsidiaries.map((s) => scopeFor({ role: 'subsidiary_user', subsidiaryId: s })),
    ];
    let compared = 0;
    const intervals = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const from = random() < 0.3 ? osloDate(pick(EDGES)) : osloDate(randomTime());
      // Up to 200 days (drawn by week, or by month above 26 weeks) or up to five years (by
      // month: whole months, and the clipped ones at the ends from weeks and days).
      const to = addDays(from, Math.floor(random() * (random() < 0.5 ? 200 : 5 * 365)));
      const scope = pick(scopes);
      // Within the data, so "recent" unassigned leads exist on both sides of the cutoff.
      const now = Date.parse('2025-06-15T12:00:00Z');
      const staleDays = pick([0, 2, 30, 400]);
      const fromCounts = dashboardSummary(db, { scope, from, to, now, staleDays });
      const fromLeads = dashboardSummary(db, { scope, from, to, now, staleDays, source: 'leads' });
      expect(fromCounts, `${from}..${to}`).toEqual(fromLeads);
      if (fromLeads.total > 0) compared++;
      intervals.add(fromCounts.interval);
    }
    expect([...intervals].sort()).toEqual(['month', 'week']);
    // The ranges were not all empty.
    expect(compared).toBeGreaterThan(30);
  });
});
