/**
 * Which grid pages are slow, and why: draws filter combinations (and the other page measures'
 * parameters) as `run.ts` does, reads each page with `listLeads` in process, and prints every
 * repetition's parameters with its CPU time, and for the slow ones each statement the page ran
 * with SQLite's query plan and how many rows SQLite stepped over (full-scan and sort steps).
 *
 *   pnpm --filter @mg/bench exec tsx leads/combos.ts --db /tmp/copy.db [--n 200] [--seed 1]
 *        [--slow 8] [--scope all|sub|both] [--kind combo|deep|first|single]
 *
 * Read-only: the page reads run inside a transaction that is rolled back.
 */
import { parseArgs } from 'node:util';
import { listLeads, migrateDatabase, openDatabase } from '@mg/db';
import {
  addDays,
  CONSENT_PURPOSES,
  encodeLeadCursor,
  LEAD_SORTS,
  LEAD_STATUSES,
  type LeadListParams,
  type LeadSort,
  nameSortKey,
  osloDate,
  type Scope,
  SORT_DIRECTIONS,
  scopeFor,
  seededRandom,
} from '@mg/shared';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    n: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    slow: { type: 'string', default: '8' },
    scope: { type: 'string', default: 'both' },
    kind: { type: 'string', default: 'combo' },
    quiet: { type: 'boolean', default: false },
  },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const N = Number(args.n);
const SLOW = Number(args.slow);
const random = seededRandom(Number(args.seed));
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const NOW = Date.now();

const handle = openDatabase(args.db);
migrateDatabase(handle);
const { db, sqlite } = handle;
const one = <T>(q: string, ...p: unknown[]) => sqlite.prepare(q).get(...p) as T;
const all = <T>(q: string, ...p: unknown[]) => sqlite.prepare(q).all(...p) as T[];

// Every statement a page runs, with its parameters: drizzle prepares each query on the client.
const ran: { sql: string; params: unknown[] }[] = [];
const prepare = sqlite.prepare.bind(sqlite);
type Statement = ReturnType<typeof prepare>;
(sqlite as { prepare: (s: string) => Statement }).prepare = (source: string) => {
  const statement = prepare(source);
  for (const method of ['all', 'get', 'run', 'iterate'] as const) {
    const original = (statement[method] as (...a: unknown[]) => unknown).bind(statement);
    (statement as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
      ran.push({ sql: source, params });
      return original(...params);
    };
  }
  return statement;
};

const subsidiaryIds = all<{ id: number }>('select id from subsidiaries order by id').map(
  (r) => r.id,
);
const subsidiaryId =
  one<{ s: number } | undefined>(
    'select subsidiary_id as s from leads where name = ?',
    'Ingeborg Ødegård-Sæther',
  )?.s ?? pick(subsidiaryIds);
const projectsOf = (sub?: number) =>
  all<{ id: number }>(
    sub === undefined
      ? 'select id from projects'
      : `select id from projects where subsidiary_id = ${Number(sub)}`,
  ).map((r) => r.id);
const usersOf = (sub?: number) =>
  all<{ id: number }>(
    sub === undefined
      ? `select id from users where role = 'subsidiary_user'`
      : `select id from users where subsidiary_id = ${Number(sub)}`,
  ).map((r) => r.id);
const maxLeadId = one<{ m: number }>('select max(id) as m from leads').m;
const randomDay = () => osloDate(NOW - Math.floor(random() * 730) * 86_400_000);
const sortAndDir = () => ({ sort: pick(LEAD_SORTS), dir: pick(SORT_DIRECTIONS) });

// As run.ts draws them.
function singleFilters(sub: number | undefined): [string, () => Record<string, unknown>][] {
  const projects = projectsOf(sub);
  const users = usersOf(sub);
  const filters: [string, () => Record<string, unknown>][] = [
    ['status', () => ({ status: pick(LEAD_STATUSES) })],
    ['project', () => ({ projectId: pick(projects) })],
    ['assignee', () => ({ assigneeUserId: random() < 0.3 ? 'unassigned' : pick(users) })],
    ['consent', () => ({ consents: { [pick(CONSENT_PURPOSES)]: random() < 0.5 } })],
    [
      'date range',
      () => {
        const to = randomDay();
        return { from: addDays(to, -Math.floor(random() * 90)), to };
      },
    ],
    ['restricted', () => ({ restricted: random() < 0.5 })],
    ['legal hold', () => ({ legalHold: random() < 0.5 })],
    ['anonymised', () => ({ anonymised: random() < 0.5 })],
  ];
  if (sub === undefined)
    filters.push(['subsidiary', () => ({ subsidiaryId: pick(subsidiaryIds) })]);
  return filters;
}
const SORT_COLUMN: Record<Exclude<LeadSort, 'project' | 'assignee'>, string> = {
  createdAt: 'created_at',
  email: 'email_sort',
  lastActivityAt: 'last_activity_at',
  name: 'name_sort',
  status: 'status_rank',
};
function randomCursor(sub: number | undefined, sort: LeadSort, dir: 'asc' | 'desc') {
  const from = 1 + Math.floor(random() * maxLeadId);
  const scoped = sub === undefined ? '' : `and l.subsidiary_id = ${Number(sub)}`;
  if (sort === 'project' || sort === 'assignee') {
    const row = one<{ id: number; name: string | null; g: number | null; c: number } | undefined>(
      sort === 'project'
        ? `select l.id, p.name, p.id as g, l.created_at as c from leads l join projects p on p.id = l.project_id where l.id >= ? ${scoped} order by l.id limit 1`
        : `select l.id, u.name, u.id as g, l.created_at as c from leads l left join users u on u.id = l.assignee_user_id where l.id >= ? ${scoped} order by l.id limit 1`,
      from,
    );
    if (!row) return undefined;
    const value = [row.g === null ? '' : nameSortKey(row.name), row.g ?? 0, row.c] as const;
    return encodeLeadCursor({ sort, dir, value, id: row.id });
  }
  const row = one<{ id: number; v: string | number | null } | undefined>(
    `select l.id, l.${SORT_COLUMN[sort]} as v from leads l where l.id >= ? ${scoped} order by l.id limit 1`,
    from,
  );
  if (!row) return undefined;
  return encodeLeadCursor({ sort, dir, value: row.v, id: row.id } as Parameters<
    typeof encodeLeadCursor
  >[0]);
}

function draw(sub: number | undefined): () => Record<string, unknown> {
  const filters = singleFilters(sub);
  switch (args.kind) {
    case 'first':
      return () => ({});
    case 'deep':
      return () => {
        const { sort, dir } = sortAndDir();
        return { sort, dir, cursor: randomCursor(sub, sort, dir) };
      };
    case 'single':
      return () => ({ ...pick(filters)[1](), ...sortAndDir() });
    default:
      return () => {
        const out: Record<string, unknown> = sortAndDir();
        const n = 2 + Math.floor(random() * 2);
        for (let i = 0; i < n; i++) Object.assign(out, pick(filters)[1]());
        return out;
      };
  }
}

const scopes: [string, Scope, number | undefined][] = [];
if (args.scope !== 'sub')
  scopes.push(['all', scopeFor({ role: 'admin', subsidiaryId: null }), undefined]);
if (args.scope !== 'all')
  scopes.push(['sub', scopeFor({ role: 'subsidiary_user', subsidiaryId }), subsidiaryId]);

const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
const p95 = (xs: number[]) => sort(xs)[Math.ceil(xs.length * 0.95) - 1] ?? Number.NaN;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

for (const [name, scope, sub] of scopes) {
  const next = draw(sub);
  const cpus: number[] = [];
  const slow: { ms: number; filter: Record<string, unknown>; statements: typeof ran }[] = [];
  for (let i = 0; i < N; i++) {
    const filter = { limit: 50, ...next() } as LeadListParams;
    ran.length = 0;
    const before = process.cpuUsage();
    let rows = 0;
    try {
      sqlite.exec('begin');
      rows = listLeads(db, { scope, filter }).items.length;
    } finally {
      sqlite.exec('rollback');
    }
    const d = process.cpuUsage(before);
    const ms = (d.user + d.system) / 1000;
    cpus.push(ms);
    if (!args.quiet)
      console.log(
        `${name} ${ms.toFixed(2).padStart(7)} ms ${String(rows).padStart(3)} rows ${JSON.stringify(filter)}`,
      );
    if (ms > SLOW) slow.push({ ms, filter, statements: [...ran] });
  }
  console.log(
    `\n${name} ${args.kind}: CPU mean ${mean(cpus).toFixed(2)} p95 ${p95(cpus).toFixed(2)} max ${Math.max(...cpus).toFixed(2)} ms; ${slow.length} over ${SLOW} ms\n`,
  );
  for (const s of slow.sort((a, b) => b.ms - a.ms)) {
    console.log(`--- ${s.ms.toFixed(2)} ms ${JSON.stringify(s.filter)}`);
    for (const st of s.statements) {
      if (/json_each/.test(st.sql)) continue; // the page's rows: 50 ids, not the plan
      console.log(`  ${st.sql.replace(/\s+/g, ' ')}\n  params ${JSON.stringify(st.params)}`);
      const plan = prepare(`explain query plan ${st.sql}`).all(...st.params) as {
        detail: string;
      }[];
      for (const p of plan) console.log(`    ${p.detail}`);
      const t0 = performance.now();
      prepare(st.sql).all(...st.params);
      console.log(`    alone: ${(performance.now() - t0).toFixed(2)} ms`);
    }
  }
}
handle.close();
