/**
 * The lead review workspace at a million leads.
 *
 *   pnpm --filter @mg/bench leads [-- --leads 1000000 --iterations 200 --keep]
 *
 * Builds a SQLite file in a temporary folder (30 subsidiaries, 300 projects, --leads leads;
 * raw prepared inserts, the FTS triggers firing), then measures p50/p95 of the grid's first
 * page, a deep page by cursor (500 pages in), a filtered and sorted page, the capped total,
 * and searches (a common two-letter prefix and a rare full name): through the query layer,
 * with scope "all" and one subsidiary, and through HTTP (the real Hono app on a loopback
 * port, signed in, GET /trpc/lead.list, which also counts and writes the access log). Then it
 * exports ~100k rows through GET /api/exports/leads.csv and reports time and peak RSS. A raw
 * better-sqlite3 `SELECT … ORDER BY id DESC LIMIT 50` is the baseline for ratios.
 * Goals: page p95 <= 15 ms, search p95 <= 25 ms (server-side, query layer).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import {
  countAccessLog,
  countLeadsCapped,
  dashboardSummary,
  listLeads,
  migrateDatabase,
  openDatabase,
} from '@mg/db';
import {
  addDays,
  type LeadFilterParams,
  type LeadListParams,
  leadExportPath,
  osloDate,
  type Scope,
  scopeFor,
} from '@mg/shared';
import { loadEnv } from '../../apps/api/src/env';
import { createLogger } from '../../apps/api/src/lib/logger';
import { hashPassword } from '../../apps/api/src/lib/password';
import { createApp } from '../../apps/api/src/server';
import { generate } from './generate';

const { values: args } = parseArgs({
  // pnpm passes the `--` separator through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    leads: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
  },
});
const LEADS = Math.max(10_000, Number(args.leads));
const N = Math.max(20, Number(args.iterations));
const PAGE_GOAL = 15;
const SEARCH_GOAL = 25;
const PASSWORD = 'bench-passord-123';
const NOW = Date.now();

// ------------------------------------------------------------------ measuring

interface Result {
  group: string;
  name: string;
  p50: number;
  p95: number;
  goal?: number;
  rows?: number | string;
}
const results: Result[] = [];

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function measure(
  group: string,
  name: string,
  fn: () => unknown,
  options: { goal?: number; rows?: (r: unknown) => number | string } = {},
) {
  let last: unknown;
  for (let i = 0; i < Math.min(10, N); i++) last = await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    last = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const r: Result = {
    group,
    name,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    goal: options.goal,
    rows: options.rows?.(last),
  };
  results.push(r);
  console.log(`  ${group.padEnd(22)} ${name.padEnd(42)} p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}`);
  return last;
}
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;

// ------------------------------------------------------------------ the database

const dir = mkdtempSync(join(tmpdir(), 'mg-bench-leads-'));
const file = join(dir, 'leads.db');
console.log(`\nMG Leads: lead workspace benchmark (${LEADS.toLocaleString('en')} leads)`);
console.log(`database: ${file}\n`);
const handle = openDatabase(file);
migrateDatabase(handle);
const passwordHash = await hashPassword(PASSWORD);
console.log('generating …');
const g = generate(handle.sqlite, {
  leads: LEADS,
  subsidiaries: 30,
  projectsPerSubsidiary: 10,
  usersPerSubsidiary: 3,
  passwordHash,
  now: NOW,
});
handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
const sizeMb = statSync(file).size / 1024 / 1024;
console.log(
  `generated ${LEADS.toLocaleString('en')} leads in ${g.seconds.toFixed(1)} s (${sizeMb.toFixed(0)} MB)\n`,
);

const { db, sqlite } = handle;
// The subsidiary of the rare lead, so the rare search has its one hit in both scopes.
const rareOwner = sqlite
  .prepare('select subsidiary_id as s from leads where name = ?')
  .get(g.rareName) as { s: number } | undefined;
const subsidiaryId = rareOwner?.s ?? g.subsidiaryIds[0] ?? 1;
const subsidiaryIndex = Math.max(0, g.subsidiaryIds.indexOf(subsidiaryId));
const SCOPES: [string, Scope][] = [
  ['scope all', scopeFor({ role: 'admin', subsidiaryId: null })],
  ['one subsidiary', scopeFor({ role: 'subsidiary_user', subsidiaryId })],
];
const FILTERED: LeadFilterParams = {
  status: 'contacted',
  consents: { marketing_email: true },
  sort: 'name',
  dir: 'asc',
};
const COMMON = 'ol';
const RARE = g.rareName;

/** The cursor for page `pages + 1`, found by walking (not timed). */
function deepCursor(scope: Scope, pages: number): string | undefined {
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page = listLeads(db, { scope, filter: { limit: 50, cursor } });
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return cursor;
}

const items = (r: unknown) => (r as { items: unknown[] }).items.length;
const cursors = new Map<string, string | undefined>();

console.log('baseline (raw better-sqlite3)');
const raw = sqlite.prepare(
  'SELECT id, name, email, phone, status, created_at FROM leads ORDER BY id DESC LIMIT 50',
);
await measure('raw SQL', 'ORDER BY id DESC LIMIT 50', () => raw.all(), {
  rows: (r) => (r as unknown[]).length,
});

console.log('\nquery layer (listLeads / countLeadsCapped)');
for (const [label, scope] of SCOPES) {
  const cursor = deepCursor(scope, 500);
  cursors.set(label, cursor);
  const page = (filter: LeadListParams) => () =>
    listLeads(db, { scope, filter: { limit: 50, ...filter } });
  await measure(label, 'first page', page({}), { goal: PAGE_GOAL, rows: items });
  await measure(label, 'deep page (cursor, 500 pages in)', page({ cursor }), {
    goal: PAGE_GOAL,
    rows: items,
  });
  await measure(label, 'filtered + sorted page', page(FILTERED), { goal: PAGE_GOAL, rows: items });
  await measure(label, 'total (capped at 10 000)', () =>
    countLeadsCapped(db, { scope, filter: {} }),
  );
  await measure(label, 'total, filtered', () => countLeadsCapped(db, { scope, filter: FILTERED }));
  await measure(label, `search "${COMMON}" page`, page({ search: COMMON }), {
    goal: SEARCH_GOAL,
    rows: items,
  });
  await measure(label, `search "${COMMON}" total`, () =>
    countLeadsCapped(db, { scope, filter: { search: COMMON } }),
  );
  await measure(label, 'search rare full name page', page({ search: RARE }), {
    goal: SEARCH_GOAL,
    rows: items,
  });
  await measure(label, 'dashboard summary (12 weeks)', () => dashboardSummary(db, { scope }));
}

// ------------------------------------------------------------------ HTTP

console.log('\nHTTP (GET /trpc/lead.list: page + total + access-log entry)');
const env = loadEnv({ NODE_ENV: 'development', LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
const app = createApp({ db, env, log: createLogger('silent') });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((ok) => server.once('listening', () => ok()));
const { port } = server.address() as AddressInfo;
const base = `http://127.0.0.1:${port}`;

async function login(email: string) {
  const res = await fetch(`${base}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
const cookies = new Map([
  ['scope all', await login(g.adminEmail)],
  ['one subsidiary', await login(g.subsidiaryUserEmail(subsidiaryIndex))],
]);

async function list(cookie: string, input: Record<string, unknown>) {
  const res = await fetch(
    `${base}/trpc/lead.list?input=${encodeURIComponent(JSON.stringify(input))}`,
    { headers: { cookie } },
  );
  if (!res.ok) throw new Error(`lead.list ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { result: { data: { items: unknown[] } } }).result.data;
}

for (const [label] of SCOPES) {
  const cookie = cookies.get(label) ?? '';
  const page = (filter: Record<string, unknown>) => () => list(cookie, { limit: 50, ...filter });
  await measure(`HTTP ${label}`, 'first page', page({}), { goal: PAGE_GOAL, rows: items });
  await measure(
    `HTTP ${label}`,
    'deep page (cursor, 500 pages in)',
    page({ cursor: cursors.get(label) }),
    {
      goal: PAGE_GOAL,
      rows: items,
    },
  );
  await measure(`HTTP ${label}`, 'filtered + sorted page', page({ ...FILTERED }), {
    goal: PAGE_GOAL,
    rows: items,
  });
  await measure(`HTTP ${label}`, `search "${COMMON}"`, page({ search: COMMON }), {
    goal: SEARCH_GOAL,
    rows: items,
  });
  await measure(`HTTP ${label}`, 'search rare full name', page({ search: RARE }), {
    goal: SEARCH_GOAL,
    rows: items,
  });
}

// ------------------------------------------------------------------ export

console.log('\nCSV export (GET /api/exports/leads.csv, scope all)');
// A date range holding about 100k leads (they are spread evenly over two years).
const days = Math.max(1, Math.round((730 * 100_000) / LEADS));
const to = osloDate(NOW - 30 * 86_400_000);
const exportFilter: LeadFilterParams = { from: addDays(to, -(days - 1)), to };
const columns = [
  'id',
  'createdAt',
  'name',
  'email',
  'phone',
  'project',
  'subsidiary',
  'status',
  'assignee',
  'consentEmail',
] as const;
const logBefore = countAccessLog(db);
global.gc?.();
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);
const started = performance.now();
const res = await fetch(`${base}${leadExportPath(exportFilter, [...columns], 'reporting')}`, {
  headers: { cookie: cookies.get('scope all') ?? '' },
});
if (!res.ok || !res.body) throw new Error(`export ${res.status}`);
let bytes = 0;
let lines = 0;
for await (const chunk of res.body) {
  bytes += chunk.length;
  for (const b of chunk) if (b === 10) lines++;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const exportMs = performance.now() - started;
clearInterval(sampler);
const exportedRows = lines - 1;
const entry = sqlite
  .prepare(
    `select target_count as n, outcome from access_log where action = 'lead.export' order by id desc limit 1`,
  )
  .get() as { n: number; outcome: string } | undefined;
console.log(
  `  ${exportedRows.toLocaleString('en')} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${(exportMs / 1000).toFixed(2)} s ` +
    `(${Math.round(exportedRows / (exportMs / 1000)).toLocaleString('en')} rows/s); ` +
    `RSS ${(rssBefore / 1048576).toFixed(0)} MB before, peak ${(peakRss / 1048576).toFixed(0)} MB ` +
    `(+${((peakRss - rssBefore) / 1048576).toFixed(0)} MB); access log: ${countAccessLog(db) - logBefore} entry, ` +
    `${entry?.n?.toLocaleString('en')} ids, outcome ${entry?.outcome}`,
);

// ------------------------------------------------------------------ summary

await new Promise<void>((ok) => server.close(() => ok()));
const baseline = results[0]?.p50 ?? 1;
console.log('\nSummary (ms)');
console.log(
  `${'group'.padEnd(22)} ${'measure'.padEnd(36)} ${'rows'.padStart(6)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'x raw'.padStart(7)}  goal (p95)`,
);
for (const r of results) {
  const verdict =
    r.goal === undefined ? '' : `<= ${r.goal} ms ${r.p95 <= r.goal ? 'ok' : 'MISSED'}`;
  console.log(
    `${r.group.padEnd(22)} ${r.name.padEnd(36)} ${String(r.rows ?? '').padStart(6)} ${r.p50.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${(r.p50 / baseline).toFixed(1).padStart(7)}  ${verdict}`,
  );
}
console.log(
  `${'export'.padEnd(22)} ${`${exportedRows} rows, CSV streamed`.padEnd(36)} time ${(exportMs / 1000).toFixed(2)} s, peak RSS ${(peakRss / 1048576).toFixed(0)} MB (+${((peakRss - rssBefore) / 1048576).toFixed(0)} MB)`,
);
console.log(
  `generation: ${g.seconds.toFixed(1)} s for ${LEADS.toLocaleString('en')} leads; database ${sizeMb.toFixed(0)} MB`,
);

handle.close();
if (args.keep) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
