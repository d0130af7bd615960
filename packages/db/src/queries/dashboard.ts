import {
  addDays,
  CONSENT_PURPOSES,
  DAY_MS,
  dashboardRange,
  dashboardRangeProblem,
  daysBetween,
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

/**
 * How the series are drawn: by Oslo week up to this many days, by calendar month above (261
 * weekly bars of five years are unreadable, and each whole month is one count row per project
 * instead of four or five; decision 032).
 */
export const DASHBOARD_WEEKLY_MAX_DAYS = 7 * 26;
export type DashboardInterval = 'week' | 'month';

interface Period {
  /** The Monday of the Oslo week, or the first day of the month: the series' label. */
  start: string;
  /** Oslo days of the period inside the range: first included, end excluded. */
  first: string;
  end: string;
}

/**
 * What the dashboard adds up, all within the range and the scope. `cells` is flat, three
 * numbers per row (period index, group id, n; several rows may add up to one cell), the group
 * being the subsidiary in the all-subsidiaries scope (the web charts subsidiaries there) and
 * the project in a subsidiary's scope. `projects` is flat, two numbers per row (project id, n).
 * `totals` is n, the consent sums (e-mail, SMS), then one count per status in LEAD_STATUSES
 * order.
 */
interface Tally {
  /** Parts of the flat lists (one per statement), not concatenated: nothing is copied. */
  cells: number[][];
  projects: number[][];
  totals: number[];
}

const TOTALS = 3 + LEAD_STATUSES.length;

/** The first day of the next month, from a month's first day ('YYYY-MM-01'). */
function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The range cut into weeks or months, clipped to its first and last day. */
function periodsOf(from: string, to: string, interval: DashboardInterval): Period[] {
  const periods: Period[] = [];
  const after = addDays(to, 1);
  // At most DASHBOARD_MAX_DAYS / 7 + 2 iterations (the range is checked by the caller).
  for (
    let start = interval === 'week' ? weekStart(from) : `${from.slice(0, 8)}01`;
    start <= to;
    start = interval === 'week' ? addDays(start, 7) : nextMonth(start)
  ) {
    const next = interval === 'week' ? addDays(start, 7) : nextMonth(start);
    // ISO dates: string order is date order (Math.max/min would not compare strings).
    let first = start;
    if (first < from) first = from;
    let end = next;
    if (end > after) end = after;
    periods.push({ start, first, end });
  }
  return periods;
}

/** A count row's key (a month, a Monday or a day), its period's index, and +1 or -1. */
type Piece = [key: string, period: number, sign: 1 | -1];
interface Pieces {
  months: Piece[];
  weeks: Piece[];
  days: Piece[];
}
const noPieces = (): Pieces => ({ months: [], weeks: [], days: [] });

/**
 * Rows read per key, relative to a week's: at a million leads a week or a month holds ~300
 * rows (one per project), a day ~900 (one per project and status).
 */
const ROWS = { months: 1, weeks: 1, days: 3 } as const;
const rowsOf = (p: Pieces) =>
  p.months.length * ROWS.months + p.weeks.length * ROWS.weeks + p.days.length * ROWS.days;

function pushDays(out: Pieces, first: string, end: string, period: number, sign: 1 | -1) {
  for (let d = first; d < end; d = addDays(d, 1)) out.days.push([d, period, sign]);
}

/**
 * The days `[first, end)` as whole Monday-to-Monday weeks, and each week cut by an end either
 * as its days or as the whole week less its other days (signed -1), whichever reads fewer
 * rows: at most three days at each end instead of six.
 */
function pushSpan(out: Pieces, first: string, end: string, period: number, sign: 1 | -1) {
  for (let d = first; d < end; ) {
    const monday = weekStart(d);
    const next = addDays(monday, 7);
    const stop = next < end ? next : end;
    const inside = daysBetween(d, stop);
    if (inside === 7) out.weeks.push([monday, period, sign]);
    else if (inside * ROWS.days <= ROWS.weeks + (7 - inside) * ROWS.days)
      pushDays(out, d, stop, period, sign);
    else {
      out.weeks.push([monday, period, sign]);
      pushDays(out, monday, d, period, sign === 1 ? -1 : 1);
      pushDays(out, stop, next, period, sign === 1 ? -1 : 1);
    }
    d = stop;
  }
}

/**
 * Where each period's counts are read: a whole month from lead_month_counts, whole weeks from
 * lead_week_counts, and days from lead_day_counts. A clipped month at an end of the range is
 * either its days in the range or the whole month less the days outside it, whichever reads
 * fewer rows; either way it is exact to the day (each key is an Oslo calendar day, week or
 * month of the leads' created_at).
 */
function splitPeriods(periods: Period[], interval: DashboardInterval): Pieces {
  const out = noPieces();
  const append = (from: Pieces) => {
    out.months.push(...from.months);
    out.weeks.push(...from.weeks);
    out.days.push(...from.days);
  };
  periods.forEach((p, i) => {
    if (interval === 'week') {
      pushSpan(out, p.first, p.end, i, 1);
      return;
    }
    const next = nextMonth(p.start);
    if (p.first === p.start && p.end === next) {
      out.months.push([p.start, i, 1]);
      return;
    }
    const inside = noPieces();
    pushSpan(inside, p.first, p.end, i, 1);
    const whole = noPieces();
    whole.months.push([p.start, i, 1]);
    pushSpan(whole, p.start, p.first, i, -1);
    pushSpan(whole, p.end, next, i, -1);
    append(rowsOf(inside) <= rowsOf(whole) ? inside : whole);
  });
  return out;
}

/** A counts table and how its rows give the status counts. */
interface Source {
  table: SQL;
  key: SQL;
  statuses: SQL[];
}

/** One per LEAD_STATUSES entry, in its order (the oracle tests fail if they drift apart). */
const STATUS_COLUMNS = [
  sql`c.status_new`,
  sql`c.status_contacted`,
  sql`c.status_follow_up`,
  sql`c.status_sold`,
  sql`c.status_closed`,
];

const SOURCES = {
  months: { table: sql`lead_month_counts`, key: sql`c.month`, statuses: STATUS_COLUMNS },
  weeks: { table: sql`lead_week_counts`, key: sql`c.week`, statuses: STATUS_COLUMNS },
  days: {
    table: sql`lead_day_counts`,
    key: sql`c.day`,
    statuses: LEAD_STATUSES.map(
      (status) => sql`case when c.status = ${status} then c.n else 0 end`,
    ),
  },
} satisfies Record<string, Source>;

/** The keys as an `IN` list on the key column. */
function inKeys(column: SQL, keys: string[]): SQL {
  return sql`${column} in (${sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `,
  )})`;
}

/**
 * The tally from the counts kept on write (issue 11). Per source (months, weeks, days), the
 * keys as an `IN` list on the primary key's first column, with the subsidiary as the second
 * in a subsidiary's scope, so only the rows shown are read, and SQLite groups and sums:
 * - the cells: one row per key and subsidiary (all subsidiaries) or key and project (one
 *   subsidiary's scope), grouped in the primary key's own order (no sorting); JavaScript hands
 *   each to the periods that use the key, with their sign;
 * - each project's total, and the consent and status totals, once per net sign of the keys
 *   (almost always just +1).
 * JavaScript gets one text per statement: handing better-sqlite3 tens of thousands of rows, or
 * concatenating a text per count row, cost ~3 µs a row (five years of weeks: ~31,000 rows,
 * ~60 ms). A join on a VALUES list of keys cost ~5× as much as the `IN` list, its groups
 * sorted in a temporary b-tree. Each count row's key is the Oslo day, week or month of its
 * leads' created_at, so the keys select exactly the leads the instants would.
 */
function tallyFromCounts(
  conn: Conn,
  periods: Period[],
  interval: DashboardInterval,
  scope: Scope,
): Tally {
  const split = splitPeriods(periods, interval);
  const tally: Tally = {
    cells: [],
    projects: [],
    totals: Array.from({ length: TOTALS }, () => 0),
  };
  const inScope = scope.kind === 'all' ? sql`` : sql` and c.subsidiary_id = ${scope.subsidiaryId}`;
  const group = scope.kind === 'all' ? sql`c.subsidiary_id` : sql`c.project_id`;
  for (const name of ['months', 'weeks', 'days'] as const) {
    // Which periods use each key, and with which sign (a key may serve more than one).
    const uses = new Map<string, [number, number][]>();
    for (const [key, period, sign] of split[name]) {
      const list = uses.get(key) ?? [];
      list.push([period, sign]);
      uses.set(key, list);
    }
    if (uses.size === 0) continue;
    const { table, key, statuses } = SOURCES[name];
    const [cellsText] = conn.values<unknown[]>(
      sql`select group_concat('"' || k || '",' || g || ',' || n) from (
            select ${key} as k, ${group} as g, sum(c.n) as n from ${table} c
            where ${inKeys(key, [...uses.keys()])}${inScope} group by ${key}, ${group})`,
    )[0] ?? [null];
    if (typeof cellsText === 'string' && cellsText !== '') {
      const rows = JSON.parse(`[${cellsText}]`) as (string | number)[];
      const cells: number[] = [];
      for (let r = 0; r + 2 < rows.length; r += 3) {
        const g = Number(rows[r + 1]);
        const n = Number(rows[r + 2]);
        for (const [period, sign] of uses.get(String(rows[r])) ?? [])
          cells.push(period, g, n * sign);
      }
      tally.cells.push(cells);
    }
    // Keys by their net sign over the periods using them.
    const byWeight = new Map<number, string[]>();
    for (const [k, list] of uses) {
      const weight = list.reduce((sum, [, sign]) => sum + sign, 0);
      if (weight !== 0) byWeight.set(weight, [...(byWeight.get(weight) ?? []), k]);
    }
    for (const [weight, keys] of byWeight) {
      const where = sql`where ${inKeys(key, keys)}${inScope}`;
      const [projectsText] = conn.values<unknown[]>(
        sql`select group_concat(p || ',' || n) from (
              select c.project_id as p, sum(c.n) as n from ${table} c ${where} group by c.project_id)`,
      )[0] ?? [null];
      if (typeof projectsText === 'string' && projectsText !== '') {
        const pairs = JSON.parse(`[${projectsText}]`) as number[];
        if (weight !== 1)
          for (let j = 1; j < pairs.length; j += 2) pairs[j] = (pairs[j] ?? 0) * weight;
        tally.projects.push(pairs);
      }
      const sums = [sql`c.n`, sql`c.consent_email`, sql`c.consent_sms`, ...statuses];
      const totals =
        conn.values<unknown[]>(
          sql`select ${sql.join(
            sums.map((expr) => sql`sum(${expr})`),
            sql`, `,
          )} from ${table} c ${where}`,
        )[0] ?? [];
      for (let j = 0; j < TOTALS; j++)
        tally.totals[j] = (tally.totals[j] ?? 0) + Number(totals[j] ?? 0) * weight;
    }
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
function tallyFromLeads(conn: Conn, periods: Period[], scope: Scope): Tally {
  // The periods as instants (ms), for the leads' created_at; boundaries follow summer time.
  const periodValues = sql.join(
    periods.map((p, i) => sql`(${i}, ${osloDayStart(p.first)}, ${osloDayStart(p.end)})`),
    sql`, `,
  );
  const rows = conn.all<{
    period: number;
    projectId: number;
    subsidiaryId: number;
    status: LeadStatus;
    n: number;
    consentEmail: number;
    consentSms: number;
  }>(
    sql`with periods(i, s, e) as (values ${periodValues})
      select periods.i as period, ${leads.projectId} as projectId, ${leads.subsidiaryId} as subsidiaryId,
             ${leads.status} as status, count(*) as n,
             sum(${leads.consentEmail}) as consentEmail, sum(${leads.consentSms}) as consentSms
      from periods join ${leads} on ${leads.createdAt} >= periods.s and ${leads.createdAt} < periods.e
      where ${scoped(scope)}
      group by periods.i, ${leads.projectId}, ${leads.subsidiaryId}, ${leads.status}`,
  );
  const tally: Tally = {
    cells: [],
    projects: [],
    totals: Array.from({ length: TOTALS }, () => 0),
  };
  const add = (i: number, n: number) => {
    tally.totals[i] = (tally.totals[i] ?? 0) + n;
  };
  const cells: number[] = [];
  const projects: number[] = [];
  tally.cells.push(cells);
  tally.projects.push(projects);
  for (const r of rows) {
    cells.push(r.period, scope.kind === 'all' ? r.subsidiaryId : r.projectId, r.n);
    projects.push(r.projectId, r.n);
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
  // The router refuses such ranges with a field error; this guard keeps the period loop and
  // the VALUES lists below bounded for every other caller too.
  const problem = dashboardRangeProblem({ from, to });
  if (problem) throw new RangeError(`dashboard range ${from}..${to}: ${problem}`);
  const interval: DashboardInterval =
    daysBetween(from, to) + 1 > DASHBOARD_WEEKLY_MAX_DAYS ? 'month' : 'week';
  // Oslo weeks (Monday to Monday) or months, clipped to the range, as calendar days: the
  // counts are keyed by Oslo day, and only the oracle path needs instants (osloDayStart costs
  // ~20-50 µs, two per week were ~30 ms of a five-year range).
  const periods = periodsOf(from, to, interval);
  const tally =
    params.source === 'leads'
      ? tallyFromLeads(conn, periods, params.scope)
      : tallyFromCounts(conn, periods, interval, params.scope);

  // Per period: subsidiaries in the all-subsidiaries scope, projects in a subsidiary's.
  const byGroup = new Map<number, number[]>();
  const total = periods.map(() => 0);
  for (const cells of tally.cells)
    for (let c = 0; c + 2 < cells.length; c += 3) {
      const period = cells[c] ?? 0;
      const group = cells[c + 1] ?? 0;
      const n = cells[c + 2] ?? 0;
      let counts = byGroup.get(group);
      if (!counts) {
        counts = periods.map(() => 0);
        byGroup.set(group, counts);
      }
      counts[period] = (counts[period] ?? 0) + n;
      total[period] = (total[period] ?? 0) + n;
    }
  const projectTotals = new Map<number, number>();
  for (const list of tally.projects)
    for (let c = 0; c + 1 < list.length; c += 2) {
      const id = list[c] ?? 0;
      projectTotals.set(id, (projectTotals.get(id) ?? 0) + (list[c + 1] ?? 0));
    }
  const { totals } = tally;
  const byStatus = LEAD_STATUSES.map((_, i) => totals[3 + i] ?? 0);
  const granted = { marketing_email: totals[1] ?? 0, marketing_sms: totals[2] ?? 0 };
  const inRange = total.reduce((a, b) => a + b, 0);

  const staleDays = params.staleDays ?? 2;
  const cutoff = now - staleDays * DAY_MS;
  const unhandledRows =
    params.source === 'leads'
      ? unhandledFromLeads(conn, params.scope, cutoff)
      : unhandledFromCounts(conn, params.scope, cutoff);

  // A subsidiary's scope has one subsidiary: its series is the total.
  const bySubsidiaryCounts =
    params.scope.kind === 'all'
      ? byGroup
      : new Map(inRange > 0 ? [[params.scope.subsidiaryId, total]] : []);
  const projectNames = namesOf(conn, projects, [...projectTotals.keys()]);
  const subsidiaryNames = namesOf(conn, subsidiaries, [
    ...new Set([...bySubsidiaryCounts.keys(), ...unhandledRows.map((r) => r.subsidiaryId)]),
  ]);
  // Ties by id, so the order never depends on the order the rows were read in.
  const order = (a: { id: number; name: string; total: number }, b: typeof a) =>
    b.total - a.total || NB_ORDER.compare(a.name, b.name) || a.id - b.id;
  // A group or project whose rows cancelled out (a week less its days outside the range, read
  // by two statements) adds up to nothing: it had no leads in the range.
  const bySubsidiary = [...bySubsidiaryCounts.entries()]
    .filter(([, counts]) => counts.some((n) => n !== 0))
    .map(([id, counts]) => ({
      id,
      name: subsidiaryNames.get(id) ?? '',
      counts,
      total: counts.reduce((a, b) => a + b, 0),
    }))
    .sort(order)
    .map(({ id, ...s }) => ({ subsidiaryId: id, ...s }));
  const byProject = [...projectTotals.entries()]
    .filter(([, n]) => n !== 0)
    .map(([id, n]) => ({
      id,
      name: projectNames.get(id) ?? '',
      // Per period only where the web charts projects (a subsidiary's scope): across all
      // subsidiaries it charts subsidiaries and lists projects' totals (decision 032).
      counts: params.scope.kind === 'all' ? null : (byGroup.get(id) ?? periods.map(() => 0)),
      total: n,
    }))
    .sort(order)
    .map(({ id, ...s }) => ({ projectId: id, ...s }));

  return {
    range: { from, to },
    total: inRange,
    /** Whether `periods` are weeks (their Mondays) or months (their first days). */
    interval,
    periods: periods.map((p) => p.start),
    leadsPerPeriod: { total, byProject, bySubsidiary },
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
