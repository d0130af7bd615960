/**
 * Where an admin dashboard's time goes, in CPU of this thread (process.cpuUsage, no workers
 * run here), which the machine's load distorts far less than wall time. In-process, no HTTP:
 * `dashboardSummary` on the bench database, then the answer's JSON (what tRPC sends).
 *
 *   pnpm --filter @mg/bench exec tsx leads/dashboard-parts.ts --db /tmp/copy.db [--n 40]
 *
 * Per scope and range class (random 12 weeks, random 1 year, random range to 5 years): CPU p50
 * and p95 of the read, of JSON.stringify of its answer, and the answer's bytes. Reads only.
 */
import { parseArgs } from 'node:util';
import { dashboardSummary, migrateDatabase, openDatabase } from '@mg/db';
import { addDays, osloDate, type Scope, seededRandom } from '@mg/shared';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { db: { type: 'string' }, n: { type: 'string', default: '40' } },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const N = Math.max(10, Number(args.n));
const random = seededRandom(7);

const handle = openDatabase(args.db);
migrateDatabase(handle);
const { db, sqlite } = handle;
const oneSubsidiary = sqlite.prepare('select min(id) as id from subsidiaries').get() as {
  id: number;
};
const SCOPES: [string, Scope][] = [
  ['all', { kind: 'all' } as Scope],
  ['subsidiary', { kind: 'subsidiary', subsidiaryId: oneSubsidiary.id } as Scope],
];
const now = Date.now();
// The bench's leads span the two years up to now.
const randomDay = () => osloDate(now - Math.floor(random() * 730) * 86_400_000);
const RANGES: [string, () => { from: string; to: string }][] = [
  [
    'random 12 weeks',
    () => {
      const to = randomDay();
      return { from: addDays(to, -83), to };
    },
  ],
  [
    'random 1 year',
    () => {
      const to = randomDay();
      return { from: addDays(to, -364), to };
    },
  ],
  [
    'random range to 5 years',
    () => {
      const to = randomDay();
      return { from: addDays(to, -Math.floor(random() * 5 * 365)), to };
    },
  ],
];

const cpuMs = (fn: () => void) => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)] ?? Number.NaN;
};

console.log(
  `${'scope'.padEnd(11)} ${'range'.padEnd(24)} read p50/p95 ms   JSON p50/p95 ms   bytes p50/max`,
);
for (const [scopeName, scope] of SCOPES)
  for (const [rangeName, draw] of RANGES) {
    const read: number[] = [];
    const json: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < N + 5; i++) {
      const range = draw();
      let summary: unknown;
      const r = cpuMs(() => {
        summary = dashboardSummary(db, { scope, ...range, now });
      });
      let text = '';
      const j = cpuMs(() => {
        text = JSON.stringify(summary);
      });
      if (i < 5) continue; // warm-up
      read.push(r);
      json.push(j);
      bytes.push(text.length);
    }
    console.log(
      `${scopeName.padEnd(11)} ${rangeName.padEnd(24)} ${pct(read, 0.5).toFixed(1).padStart(6)} / ${pct(read, 0.95).toFixed(1).padStart(6)}   ${pct(json, 0.5).toFixed(1).padStart(6)} / ${pct(json, 0.95).toFixed(1).padStart(6)}   ${pct(bytes, 0.5)} / ${Math.max(...bytes)}`,
    );
  }
handle.sqlite.close();
