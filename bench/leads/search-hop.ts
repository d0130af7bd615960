/**
 * What the read worker's hop costs a search page: each draw read through the API's worker
 * pool (`ReadWorkerPool`, its own read-only connection) and on the calling thread (the same
 * `searchPage` in one transaction), in random order, same draws. Wall and CPU (the whole
 * process, workers included) p50 / p95 per search pool, over all subsidiaries.
 *
 *   pnpm --filter @mg/bench exec tsx leads/search-hop.ts --db /tmp/copy.db [--n 40]
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '@mg/db';
import { LEAD_SORTS, type LeadListParams, scopeFor, seededRandom } from '@mg/shared';
import { ReadWorkerPool, workerReads } from '../../apps/api/src/jobs/read-workers';
import { searchPage } from '../../apps/api/src/lib/slow-reads';
import { searchPools } from './pools';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { db: { type: 'string' }, n: { type: 'string', default: '40' } },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const { db } = openDatabase(args.db);
const pool = new ReadWorkerPool(args.db, null);
const reads = workerReads(pool);
const random = seededRandom(5);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const scope = scopeFor({ role: 'admin', subsidiaryId: null });
const N = Math.max(5, Number(args.n));
const pct = (samples: number[], p: number) =>
  ([...samples].sort((a, b) => a - b)[Math.ceil(samples.length * p) - 1] ?? Number.NaN).toFixed(2);
const page = (filter: LeadListParams): LeadListParams => filter;
// Warm-up: the workers start and open their connections.
for (let i = 0; i < 3; i++) await reads.leadPage({ scope, filter: page({ search: 'ola' }) });
for (const [name, draw] of searchPools(random, pick, 'Ingeborg Ødegård-Sæther')) {
  const out = {
    worker: { wall: [] as number[], cpu: [] as number[] },
    thread: { wall: [] as number[], cpu: [] as number[] },
  };
  for (let i = 0; i < N; i++) {
    const filter = page({
      search: draw(),
      sort: pick(LEAD_SORTS),
      dir: pick(['asc', 'desc'] as const),
      limit: 50,
    });
    for (const mode of random() < 0.5
      ? (['worker', 'thread'] as const)
      : (['thread', 'worker'] as const)) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      if (mode === 'worker') await reads.leadPage({ scope, filter });
      else db.transaction((tx) => searchPage(tx, { scope, filter }));
      out[mode].wall.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      out[mode].cpu.push((used.user + used.system) / 1000);
    }
  }
  const line = (m: keyof typeof out) =>
    `${m} wall ${pct(out[m].wall, 0.5)} / ${pct(out[m].wall, 0.95)} cpu ${pct(out[m].cpu, 0.5)} / ${pct(out[m].cpu, 0.95)}`;
  console.log(`${name.padEnd(28)} ${line('worker')} | ${line('thread')}`);
}
await pool.close();
