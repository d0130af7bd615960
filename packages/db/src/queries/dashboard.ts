import {
  addDays,
  CONSENT_PURPOSES,
  DAY_MS,
  dashboardRange,
  dashboardRangeProblem,
  LEAD_STATUSES,
  type LeadStatus,
  osloDate,
  osloDayStart,
  type Scope,
  weekStart,
} from '@mg/shared';
import { and, inArray, type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../client';
import { leads, projects, subsidiaries } from '../schema';
import { leadScope } from './leads';

export interface DashboardParams {
  scope: Scope;
  /** Oslo calendar days, both ends included. Default: the last 12 weeks up to today. */
  from?: string;
  to?: string;
  /** A new, unassigned lead older than this many days counts as unhandled. */
  staleDays?: number;
  now?: number;
  /**
   * Where the per-week groups come from: the week and day counts kept on write (the default),
   * or every lead in the range (the old, slow path, kept as the oracle the tests compare with).
   */
  source?: 'counts' | 'leads';
}

interface Week {
  monday: string;
  /** Oslo days of the week inside the range: first included, end excluded. */
  first: string;
  end: string;
}

/**
 * What the dashboard adds up: the leads of each week, project and subsidiary, and the range's
 * totals. `cells` is flat, four numbers per count row (week index, project id, subsidiary id,
 * n; several rows may add up to one cell); `totals` is n, the consent sums (e-mail, SMS), then
 * one count per status in LEAD_STATUSES order.
 */
interface Tally {
  /** Parts of the flat cell list (one per statement), not concatenated: nothing is copied. */
  cells: number[][];
  totals: number[];
}

const TOTALS = 3 + LEAD_STATUSES.length;

/** A range's weeks split by where their counts are read: whole weeks, and the days of the rest. */
function splitWeeks(weeks: Week[]) {
  const whole: [string, number][] = [];
  const days: [string, number][] = [];
  weeks.forEach((w, i) => {
    if (w.first === w.monday && w.end === addDays(w.monday, 7)) whole.push([w.monday, i]);
    // At most six days at each end of the range (the clipped first and last week).
    else for (let d = w.first; d < w.end; d = addDays(d, 1)) days.push([d, i]);
  });
  return { whole, days };
}

/** `(key, week index)` pairs as a VALUES list for a CTE. */
function keyValues(pairs: [string, number][]): SQL {
  return sql.join(
    pairs.map(([key, i]) => sql`(${key}, ${i})`),
    sql`, `,
  );
}

/**
 * One aggregate row: the cells as one comma-separated text, then the totals. Handing
 * better-sqlite3 tens of thousands of rows cost ~3 µs a row (an array and a value each),
 * which was most of a long range's time (five years at a million leads: ~31,000 week rows,
 * ~100 ms); one text parsed by JSON.parse and sums taken by SQLite itself cost a fifth.
 */
function addTally(tally: Tally, row: unknown[] | undefined) {
  if (!row) return;
  const [text, ...sums] = row;
  if (typeof text === 'string' && text !== '')
    tally.cells.push(JSON.parse(`[${text}]`) as number[]);
  for (let i = 0; i < TOTALS; i++) tally.totals[i] = (tally.totals[i] ?? 0) + Number(sums[i] ?? 0);
}

/**
 * The tally from the counts kept on write (issue 11): whole weeks from lead_week_counts (one
 * row per week, subsidiary and project), the clipped weeks at the ends of the range from
 * lead_day_counts. Each is a join on the key's first column (one seek per week or day), with
 * the subsidiary as the second in a subsidiary's scope, so only the rows shown are read. Each
 * count row's day is the Oslo date of its leads' created_at, so day and week bounds select
 * exactly the leads the instants would.
 */
function tallyFromCounts(conn: Conn, weeks: Week[], scope: Scope): Tally {
  const { whole, days } = splitWeeks(weeks);
  const tally: Tally = { cells: [], totals: Array.from({ length: TOTALS }, () => 0) };
  const weekScope =
    scope.kind === 'all' ? sql`` : sql` and c.subsidiary_id = ${scope.subsidiaryId}`;
  const cell = sql`group_concat(k.i || ',' || c.project_id || ',' || c.subsidiary_id || ',' || c.n)`;
  if (whole.length > 0)
    addTally(
      tally,
      conn.values<unknown[]>(
        sql`with k(key, i) as (values ${keyValues(whole)})
          select ${cell}, sum(c.n), sum(c.consent_email), sum(c.consent_sms),
            sum(c.status_new), sum(c.status_contacted), sum(c.status_follow_up),
            sum(c.status_sold), sum(c.status_closed)
          from k cross join lead_week_counts c on c.week = k.key${weekScope}`,
      )[0],
    );
  if (days.length > 0) {
    const count = (status: LeadStatus) =>
      sql`sum(case when c.status = ${status} then c.n else 0 end)`;
    addTally(
      tally,
      conn.values<unknown[]>(
        sql`with k(key, i) as (values ${keyValues(days)})
          select ${cell}, sum(c.n), sum(c.consent_email), sum(c.consent_sms),
            ${sql.join(LEAD_STATUSES.map(count), sql`, `)}
          from k cross join lead_day_counts c on c.day = k.key${weekScope}`,
      )[0],
    );
  }
  return tally;
}

interface UnhandledRow {
  subsidiaryId: number;
  n: number;
  oldest: number;
}

/**
 * New, unassigned, workable leads created before `cutoff`, per subsidiary: each subsidiary's
 * total from lead_unhandled_counts (kept by triggers) less its ones created since the cutoff
 * (a short, recent stretch of leads_unhandled_open_idx), and the oldest by that index's
 * first entry, both read from that index alone. Counting the stale ones directly walks most
 * of the index at a million leads.
 */
function unhandledFromCounts(conn: Conn, scope: Scope, cutoff: number): UnhandledRow[] {
  const inScope = scope.kind === 'all' ? sql`1 = 1` : sql`u.subsidiary_id = ${scope.subsidiaryId}`;
  // Literal terms, so the partial index leads_unhandled_open_idx applies.
  const rows = conn.all<UnhandledRow>(
    sql`select u.subsidiary_id as subsidiaryId,
          u.n - (select count(*) from leads
                 where status = 'new' and assignee_user_id is null and subsidiary_id = u.subsidiary_id
                   and created_at >= ${cutoff} and restricted = 0 and anonymised_at is null) as n,
          (select min(created_at) from leads
           where status = 'new' and assignee_user_id is null and subsidiary_id = u.subsidiary_id
             and restricted = 0 and anonymised_at is null) as oldest
        from lead_unhandled_counts u
        where u.n > 0 and ${inScope}`,
  );
  // With at least one stale lead, the oldest of all is older than the cutoff.
  return rows.filter((r) => r.n > 0);
}

/** The same counted from the leads themselves (the oracle path). */
function unhandledFromLeads(conn: Conn, scope: Scope, cutoff: number): UnhandledRow[] {
  // Literal terms, so the partial indexes on new, unassigned leads apply.
  return conn.all<UnhandledRow>(
    sql`select ${leads.subsidiaryId} as subsidiaryId, count(*) as n, min(${leads.createdAt}) as oldest
        from ${leads}
        where status = 'new' and assignee_user_id is null and ${scoped(scope)}
          and ${leads.createdAt} < ${cutoff}
          and ${leads.restricted} = 0 and ${leads.anonymisedAt} is null
        group by ${leads.subsidiaryId}`,
  );
}

/** The same tally counted from the leads themselves: one pass over the range. */
function tallyFromLeads(conn: Conn, weeks: Week[], scope: Scope): Tally {
  // The weeks as instants (ms), for the leads' created_at; boundaries follow summer time.
  const weekValues = sql.join(
    weeks.map((w, i) => sql`(${i}, ${osloDayStart(w.first)}, ${osloDayStart(w.end)})`),
    sql`, `,
  );
  const rows = conn.all<{
    week: number;
    projectId: number;
    subsidiaryId: number;
    status: LeadStatus;
    n: number;
    consentEmail: number;
    consentSms: number;
  }>(
    sql`with weeks(i, s, e) as (values ${weekValues})
      select weeks.i as week, ${leads.projectId} as projectId, ${leads.subsidiaryId} as subsidiaryId,
             ${leads.status} as status, count(*) as n,
             sum(${leads.consentEmail}) as consentEmail, sum(${leads.consentSms}) as consentSms
      from weeks join ${leads} on ${leads.createdAt} >= weeks.s and ${leads.createdAt} < weeks.e
      where ${scoped(scope)}
      group by weeks.i, ${leads.projectId}, ${leads.subsidiaryId}, ${leads.status}`,
  );
  const tally: Tally = { cells: [], totals: Array.from({ length: TOTALS }, () => 0) };
  const add = (i: number, n: number) => {
    tally.totals[i] = (tally.totals[i] ?? 0) + n;
  };
  const cells: number[] = [];
  tally.cells.push(cells);
  for (const r of rows) {
    cells.push(r.week, r.projectId, r.subsidiaryId, r.n);
    add(0, r.n);
    add(1, r.consentEmail);
    add(2, r.consentSms);
    add(3 + LEAD_STATUSES.indexOf(r.status), r.n);
  }
  return tally;
}

/** The scope condition, or a no-op, for raw SQL fragments. */
function scoped(scope: Scope): SQL {
  return leadScope(scope) ?? sql`1 = 1`;
}

/**
 * Norwegian name order. One collator for all calls: `localeCompare(b, 'nb')` builds one per
 * comparison, ~100 ms for the 300 projects of a million-lead dashboard.
 */
const NB_ORDER = new Intl.Collator('nb');

/**
 * Aggregate numbers for the dashboard, every one of them within the caller's scope. No
 * personal data: counts per week, project, subsidiary and status, and consent rates.
 */
export function dashboardSummary(conn: Conn, params: DashboardParams) {
  const now = params.now ?? Date.now();
  const { from, to } = dashboardRange(params, osloDate(now));
  // The router refuses such ranges with a field error; this guard keeps the week loop and the
  // VALUES list below bounded for every other caller too.
  const problem = dashboardRangeProblem({ from, to });
  if (problem) throw new RangeError(`dashboard range ${from}..${to}: ${problem}`);
  // Oslo weeks (Monday to Monday), clipped to the range, as calendar days: the counts are
  // keyed by Oslo day, and only the oracle path needs instants (osloDayStart costs ~20-50 µs,
  // two per week were ~30 ms of a five-year range).
  const weeks: Week[] = [];
  const after = addDays(to, 1);
  // At most DASHBOARD_MAX_DAYS / 7 + 2 iterations, checked above.
  for (let monday = weekStart(from); monday <= to; monday = addDays(monday, 7)) {
    const next = addDays(monday, 7);
    // ISO dates: string order is date order (Math.max/min would not compare strings).
    let first = monday;
    if (first < from) first = from;
    let endDay = next;
    if (endDay > after) endDay = after;
    weeks.push({ monday, first, end: endDay });
  }
  const tally =
    params.source === 'leads'
      ? tallyFromLeads(conn, weeks, params.scope)
      : tallyFromCounts(conn, weeks, params.scope);

  const byProject = new Map<number, number[]>();
  const bySubsidiary = new Map<number, number[]>();
  const total = weeks.map(() => 0);
  const bump = (map: Map<number, number[]>, key: number, week: number, n: number) => {
    let counts = map.get(key);
    if (!counts) {
      counts = weeks.map(() => 0);
      map.set(key, counts);
    }
    counts[week] = (counts[week] ?? 0) + n;
  };
  const { totals } = tally;
  for (const cells of tally.cells)
    for (let c = 0; c + 3 < cells.length; c += 4) {
      const week = cells[c] ?? 0;
      const n = cells[c + 3] ?? 0;
      bump(byProject, cells[c + 1] ?? 0, week, n);
      bump(bySubsidiary, cells[c + 2] ?? 0, week, n);
      total[week] = (total[week] ?? 0) + n;
    }
  const byStatus = LEAD_STATUSES.map((_, i) => totals[3 + i] ?? 0);
  const granted = { marketing_email: totals[1] ?? 0, marketing_sms: totals[2] ?? 0 };
  const inRange = total.reduce((a, b) => a + b, 0);

  const staleDays = params.staleDays ?? 2;
  const cutoff = now - staleDays * DAY_MS;
  const unhandledRows =
    params.source === 'leads'
      ? unhandledFromLeads(conn, params.scope, cutoff)
      : unhandledFromCounts(conn, params.scope, cutoff);

  const projectNames = namesOf(conn, projects, [...byProject.keys()]);
  const subsidiaryNames = namesOf(conn, subsidiaries, [
    ...new Set([...bySubsidiary.keys(), ...unhandledRows.map((r) => r.subsidiaryId)]),
  ]);
  const series = (map: Map<number, number[]>, names: Map<number, string>) =>
    [...map.entries()]
      .map(([id, counts]) => ({
        id,
        name: names.get(id) ?? '',
        counts,
        total: counts.reduce((a, b) => a + b, 0),
      }))
      // Ties by id, so the order never depends on the order the rows were read in.
      .sort((a, b) => b.total - a.total || NB_ORDER.compare(a.name, b.name) || a.id - b.id);

  return {
    range: { from, to },
    total: inRange,
    weeks: weeks.map((w) => w.monday),
    leadsPerWeek: {
      total,
      byProject: series(byProject, projectNames).map(({ id, ...s }) => ({ projectId: id, ...s })),
      bySubsidiary: series(bySubsidiary, subsidiaryNames).map(({ id, ...s }) => ({
        subsidiaryId: id,
        ...s,
      })),
    },
    statusFunnel: LEAD_STATUSES.map((status, i) => ({ status, count: byStatus[i] ?? 0 })),
    consentRate: CONSENT_PURPOSES.map((purpose) => ({
      purpose,
      granted: granted[purpose],
      total: inRange,
      rate: inRange === 0 ? 0 : granted[purpose] / inRange,
    })),
    unhandled: {
      staleDays,
      count: unhandledRows.reduce((sum, r) => sum + r.n, 0),
      oldestCreatedAt: unhandledRows.length
        ? Math.min(...unhandledRows.map((r) => r.oldest))
        : null,
      bySubsidiary: unhandledRows
        .map((r) => ({
          subsidiaryId: r.subsidiaryId,
          subsidiaryName: subsidiaryNames.get(r.subsidiaryId) ?? '',
          count: r.n,
        }))
        .sort((a, b) => b.count - a.count || a.subsidiaryId - b.subsidiaryId),
    },
  };
}
export type DashboardSummary = ReturnType<typeof dashboardSummary>;

function namesOf(conn: Conn, table: typeof projects | typeof subsidiaries, ids: number[]) {
  if (ids.length === 0) return new Map<number, string>();
  const rows = conn
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(and(inArray(table.id, ids)))
    .all();
  return new Map(rows.map((r) => [r.id, r.name]));
}
