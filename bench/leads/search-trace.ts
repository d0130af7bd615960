/**
 * One search, statement by statement: CPU and wall ms of every SQL statement a page runs, with
 * its text. In-process, read-only, on a copy of the bench database.
 *
 *   pnpm --filter @mg/bench exec tsx leads/search-trace.ts --db /tmp/copy.db --search 'br' --sort createdAt --dir desc [--sub]
 */
import { parseArgs } from 'node:util';
import {
  countLeadsCapped,
  LEAD_QUERY_TUNING,
  listLeads,
  migrateDatabase,
  openDatabase,
  planSearch,
} from '@mg/db';
import { type LeadSort, scopeFor } from '@mg/shared';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    search: { type: 'string' },
    sort: { type: 'string', default: 'createdAt' },
    dir: { type: 'string', default: 'desc' },
    sub: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
    /** key=value of LEAD_QUERY_TUNING, e.g. walkCheckDensity=0.02 */
    tune: { type: 'string', multiple: true },
  },
});
if (!args.db || !args.search) throw new Error('--db and --search are required');
for (const t of args.tune ?? []) {
  const [k, v] = t.split('=');
  (LEAD_QUERY_TUNING as Record<string, unknown>)[k ?? ''] =
    v === 'true' ? true : v === 'false' ? false : Number(v);
}
const handle = openDatabase(args.db);
const { db, sqlite } = handle;
migrateDatabase(handle);
const log: { sql: string; ms: number; rows: number }[] = [];
const proto = Object.getPrototypeOf(sqlite) as { prepare: (s: string) => unknown };
const prepare = proto.prepare;
proto.prepare = function (this: unknown, source: string) {
  const p0 = process.cpuUsage();
  const stmt = prepare.call(this, source) as Record<string, (...a: unknown[]) => unknown>;
  const pd = process.cpuUsage(p0);
  log.push({
    sql: `PREPARE ${source.replace(/\s+/g, ' ').slice(0, 120)}`,
    ms: (pd.user + pd.system) / 1000,
    rows: 0,
  });
  for (const m of ['all', 'get', 'run', 'iterate'] as const) {
    const fn = stmt[m];
    if (typeof fn !== 'function') continue;
    stmt[m] = (...a: unknown[]) => {
      const before = process.cpuUsage();
      const out = fn.apply(stmt, a);
      const d = process.cpuUsage(before);
      log.push({
        sql: `${source.replace(/\s+/g, ' ').slice(0, 400)}  ${JSON.stringify(a).slice(0, 200)}`,
        ms: (d.user + d.system) / 1000,
        rows: Array.isArray(out) ? out.length : out ? 1 : 0,
      });
      return out;
    };
  }
  return stmt;
};
const rare = sqlite
  .prepare(`select subsidiary_id as s from leads where name = ?`)
  .get('Ingeborg Ødegård-Sæther') as { s: number };
const scope = args.sub
  ? scopeFor({ role: 'subsidiary_user', subsidiaryId: rare.s })
  : scopeFor({ role: 'admin', subsidiaryId: null });
const search = args.search;
for (let r = 0; r < Number(args.repeat); r++) {
  log.length = 0;
  const before = process.cpuUsage();
  const kind = db.transaction((tx) => planSearch(tx, scope, search).kind);
  const page =
    args.sort === 'count'
      ? db.transaction((tx) => countLeadsCapped(tx, { scope, filter: { search } }))
      : db.transaction((tx) =>
          listLeads(tx, {
            scope,
            filter: {
              search,
              sort: args.sort as LeadSort,
              dir: args.dir as 'asc' | 'desc',
              limit: 50,
            },
          }),
        );
  const d = process.cpuUsage(before);
  console.log(
    `\n#${r} plan ${kind}; total CPU ${((d.user + d.system) / 1000).toFixed(2)} ms; rows ${'items' in page ? page.items.length : JSON.stringify(page)}`,
  );
  for (const l of log)
    if (l.ms > 0.3 || r === Number(args.repeat) - 1)
      console.log(`${l.ms.toFixed(2).padStart(7)} ms ${String(l.rows).padStart(5)}  ${l.sql}`);
}
handle.close();
