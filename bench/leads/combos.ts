/**
 * Which grid pages are slow, and why: draws filter combinations (and the other page measures'
 * parameters) as `run.ts` does, reads each page with `listLeads` in process, and prints every
 * repetition's parameters with its CPU time, and for the slow ones each statement the page ran
 * with SQLite's query plan and how many rows SQLite stepped over (full-scan and sort steps).
 *
 *   pnpm --filter @mg/bench exec tsx leads/combos.ts --db /tmp/copy.db [--n 200] [--seed 1]
 *        [--slow 8] [--scope all|sub|both] [--kind combo|deep|first|single] [--worker]
 *
 * --worker: each page read as the API reads a page it sends off the request thread (a read
 * worker's own connection, the page sent back as a message; decision 043): the CPU then is
 * the whole process's, the worker's and the hop's included, and no plans are printed.
 *
 * Read-only: the page reads run inside a transaction that is rolled back.
 */
import { parseArgs } from 'node:util';
import { listLeads, migrateDatabase, openDatabase } from '@mg/db';
import { type LeadListParams, type Scope, scopeFor, seededRandom } from '@mg/shared';
import { ReadWorkerPool, workerReads } from '../../apps/api/src/jobs/read-workers';
import { leadDraws } from './draws';

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
    worker: { type: 'boolean', default: false },
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
// One worker, so each page meets the cache the previous ones warmed (as a quiet API would).
const pool = args.worker ? new ReadWorkerPool(args.db, null, 1) : null;
const viaWorker = pool ? workerReads(pool) : null;
const one = <T>(q: string, ...p: unknown[]) => sqlite.prepare(q).get(...p) as T;

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

const { subsidiaryIds, randomCursor, sortAndDir, singleFilters, combination } = leadDraws(
  sqlite,
  random,
  NOW,
);
const subsidiaryId =
  one<{ s: number } | undefined>(
    'select subsidiary_id as s from leads where name = ?',
    'Ingeborg Ødegård-Sæther',
  )?.s ?? pick(subsidiaryIds);
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
      return combination(sub);
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
  // Warm-up, the same in both modes (the worker's start-up and first pages are not measured).
  for (let i = 0; i < 5; i++) {
    const filter = { limit: 50 } as LeadListParams;
    if (viaWorker) await viaWorker.leadPage({ scope, filter });
    else listLeads(db, { scope, filter });
  }
  for (let i = 0; i < N; i++) {
    const filter = { limit: 50, ...next() } as LeadListParams;
    ran.length = 0;
    const before = process.cpuUsage();
    let rows = 0;
    if (viaWorker) {
      const read = await viaWorker.leadPage({ scope, filter });
      rows = 'page' in read ? read.page.items.length : 0;
    } else
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
    if (ms > SLOW && !viaWorker) slow.push({ ms, filter, statements: [...ran] });
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
await pool?.close();
handle.close();
