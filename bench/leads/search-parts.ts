/**
 * Where a search's time goes, per search pool and sort, in CPU (process.cpuUsage) of the
 * query layer alone (`listLeads`, `countLeadsCapped`), which the machine's load distorts far
 * less than wall time. In-process, read-only work on a copy of the bench database.
 *
 *   pnpm --filter @mg/bench exec tsx leads/search-parts.ts --db /tmp/copy.db [--n 40] [--only regex]
 *     [--base key=value ...]   (each draw also with these tunings, interleaved: before/after;
 *                               rowListsAsJson=false: id lists as row objects, before 057)
 *
 * Prints per (scope, pool, sort): mean, p95 and max CPU in ms, the plan kinds seen, and the
 * slowest term drawn (to reproduce it).
 */
import { parseArgs } from 'node:util';
import {
  countLeadsCapped,
  LEAD_QUERY_TUNING,
  listLeads,
  migrateDatabase,
  openDatabase,
  planSearch,
  ROW_LISTS,
} from '@mg/db';
import { LEAD_SORTS, type LeadSort, type Scope, scopeFor, seededRandom } from '@mg/shared';
import { searchPools } from './pools';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    n: { type: 'string', default: '40' },
    only: { type: 'string' },
    seed: { type: 'string', default: '11' },
    /** 'off': dense name and e-mail pages walk against the full match set (as before 0021). */
    sorted: { type: 'string', default: 'on' },
    /**
     * key=value of LEAD_QUERY_TUNING (repeatable), e.g. --base densityProbe=0: every draw is
     * also run with these changed, right after or before the defaults (the order drawn), and
     * both are printed: a comparison that the machine's load moves alike.
     */
    base: { type: 'string', multiple: true },
  },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const N = Math.max(5, Number(args.n));
const ONLY = args.only ? new RegExp(args.only) : null;
const random = seededRandom(Number(args.seed));
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

if (args.sorted === 'off') LEAD_QUERY_TUNING.sortedCheckBudget = 0;
const defaults = { ...LEAD_QUERY_TUNING };
const base: Partial<typeof LEAD_QUERY_TUNING> = {};
// `rowListsAsJson=false`: id lists read as row objects, as before decision 057.
let baseRowListsAsJson = true;
for (const t of args.base ?? []) {
  const [k, v] = t.split('=');
  if (k === 'rowListsAsJson') {
    baseRowListsAsJson = v !== 'false';
    continue;
  }
  if (!k || !(k in defaults)) throw new Error(`--base ${t}: no such tuning`);
  (base as Record<string, unknown>)[k] = v === 'true' ? true : v === 'false' ? false : Number(v);
}
const AB = Object.keys(base).length > 0 || !baseRowListsAsJson;
const handle = openDatabase(args.db);
migrateDatabase(handle);
const { db, sqlite } = handle;
const rareName = 'Ingeborg Ødegård-Sæther';
const subsidiaryId = (
  sqlite.prepare(`select subsidiary_id as s from leads where name = ?`).get(rareName) as {
    s: number;
  }
).s;
const scopes: [string, Scope][] = [
  ['all', scopeFor({ role: 'admin', subsidiaryId: null })],
  ['sub', scopeFor({ role: 'subsidiary_user', subsidiaryId })],
];

function cpuOf(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}
const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1] ?? Number.NaN;
  return { mean, p95, max: sorted.at(-1) ?? Number.NaN };
};

const os = await import('node:os');
console.log(
  `CPU ms per call (mean p95 max of ${N}); load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const sorts: (LeadSort | 'count')[] = [...LEAD_SORTS, 'count'];
for (const [scopeName, scope] of scopes) {
  for (const [poolName, draw] of searchPools(random, pick, rareName)) {
    for (const sort of sorts) {
      const label = `${scopeName} ${poolName} ${sort}`;
      if (ONLY && !ONLY.test(label)) continue;
      const samples: number[] = [];
      const baseSamples: number[] = [];
      const kinds = new Set<string>();
      let worst = { ms: -1, term: '', dir: '' };
      for (let i = 0; i < N; i++) {
        const search = draw();
        const dir = pick(['asc', 'desc'] as const);
        kinds.add(db.transaction((tx) => planSearch(tx, scope, search).kind));
        const once = () =>
          cpuOf(() =>
            db.transaction((tx) =>
              sort === 'count'
                ? countLeadsCapped(tx, { scope, filter: { search } })
                : listLeads(tx, { scope, filter: { search, sort, dir, limit: 50 } }),
            ),
          );
        const baseFirst = AB && random() < 0.5;
        const runBase = () => {
          Object.assign(LEAD_QUERY_TUNING, defaults, base);
          ROW_LISTS.asJson = baseRowListsAsJson;
          baseSamples.push(once());
          Object.assign(LEAD_QUERY_TUNING, defaults);
          ROW_LISTS.asJson = true;
        };
        if (baseFirst) runBase();
        const ms = once();
        if (AB && !baseFirst) runBase();
        samples.push(ms);
        if (ms > worst.ms) worst = { ms, term: search, dir };
      }
      const s = stats(samples);
      const b = AB ? stats(baseSamples) : null;
      console.log(
        `${label.padEnd(44)} ${s.mean.toFixed(2).padStart(7)} ${s.p95.toFixed(2).padStart(7)} ${s.max.toFixed(2).padStart(7)}${b ? `  | base ${b.mean.toFixed(2).padStart(7)} ${b.p95.toFixed(2).padStart(7)} ${b.max.toFixed(2).padStart(7)}` : ''}  ${[...kinds].join('/').padEnd(10)} worst: "${worst.term}" ${worst.dir}`,
      );
    }
  }
}
handle.close();
