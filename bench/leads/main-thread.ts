/**
 * How long a grid request holds the API's request thread, in that thread's own CPU time
 * (/proc/self/task/<pid>/schedstat: nanoseconds on a CPU, which the machine's load does not
 * inflate, unlike event-loop delay), per search pool and for lead.count. In-process
 * (`app.fetch`, no socket), with the app's read workers, on a copy of the bench database.
 *
 *   pnpm --filter @mg/bench exec tsx leads/main-thread.ts --db /tmp/copy.db [--n 40] [--only regex]
 *
 * Prints per measure the mean, p95 and max request-thread CPU (ms) and the whole process's
 * CPU (all threads: the same work wherever it runs). Writes access-log entries: use a copy.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '@mg/db';
import { LEAD_SORTS, LEAD_STATUSES, SORT_DIRECTIONS, seededRandom } from '@mg/shared';
import { loadEnv } from '../../apps/api/src/env';
import { closeReadWorkers } from '../../apps/api/src/jobs/read-workers';
import { createLogger } from '../../apps/api/src/lib/logger';
import { createApp } from '../../apps/api/src/server';
import { searchPools } from './pools';
import { mainThreadCpuMs } from './thread-time';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    n: { type: 'string', default: '40' },
    only: { type: 'string' },
    seed: { type: 'string', default: '17' },
  },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const N = Math.max(10, Number(args.n));
const ONLY = args.only ? new RegExp(args.only) : null;
const PASSWORD = 'bench-passord-123';
const random = seededRandom(Number(args.seed));
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const handle = openDatabase(args.db);
migrateDatabase(handle);
const { db, sqlite } = handle;
const env = loadEnv({ NODE_ENV: 'development', LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
const app = createApp({ db, env, log: createLogger('silent') });

/** This (the request) thread's time on a CPU so far, in ms. */
const threadCpu = mainThreadCpuMs;

async function login(email: string) {
  const res = await app.fetch(
    new Request('http://127.0.0.1/trpc/auth.login', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
        origin: 'http://127.0.0.1:3000',
      },
      body: JSON.stringify({ email, password: PASSWORD }),
    }),
  );
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .join('; ');
  if (!res.ok || !cookie) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return cookie;
}
async function get(cookie: string, path: string, input: unknown) {
  const res = await app.fetch(
    new Request(
      `http://127.0.0.1/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers: { cookie } },
    ),
  );
  if (!res.ok) throw new Error(`${path} ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

const rareName = 'Ingeborg Ødegård-Sæther';
const subsidiaryId = (
  sqlite.prepare(`select subsidiary_id as s from leads where name = ?`).get(rareName) as {
    s: number;
  }
).s;
const subIndex = (
  sqlite.prepare('select count(*) as n from subsidiaries where id < ?').get(subsidiaryId) as {
    n: number;
  }
).n;
const scopes: [string, string][] = [
  ['all', await login('admin@bench.test')],
  ['sub', await login(`user0.sub${subIndex}@bench.test`)],
];
const pools = searchPools(random, pick, rareName);
const measures: [string, string, () => unknown][] = [
  ...pools.map(
    ([name, draw]) =>
      [
        `${name}, random sort`,
        'lead.list',
        () => ({ search: draw(), sort: pick(LEAD_SORTS), dir: pick(SORT_DIRECTIONS), limit: 50 }),
      ] as [string, string, () => unknown],
  ),
  [
    'lead.count (search, or a status + consent)',
    'lead.count',
    () =>
      random() < 0.5
        ? { search: pick(pools)[1]() }
        : { status: pick(LEAD_STATUSES), consents: { marketing_sms: random() < 0.5 } },
  ],
];

console.log(
  `request-thread CPU ms per request (mean p95 max of ${N}) | process CPU ms mean; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [scopeName, cookie] of scopes)
  for (const [name, path, draw] of measures) {
    const label = `${scopeName} ${name}`;
    if (ONLY && !ONLY.test(label)) continue;
    for (let i = 0; i < 5; i++) await get(cookie, path, draw());
    const samples: number[] = [];
    let processMs = 0;
    for (let i = 0; i < N; i++) {
      const input = draw();
      const before = threadCpu();
      const all = process.cpuUsage();
      await get(cookie, path, input);
      samples.push(threadCpu() - before);
      const d = process.cpuUsage(all);
      processMs += (d.user + d.system) / 1000;
    }
    samples.sort((a, b) => a - b);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const p95 = samples[Math.ceil(samples.length * 0.95) - 1] ?? Number.NaN;
    console.log(
      `${label.padEnd(52)} ${mean.toFixed(2).padStart(7)} ${p95.toFixed(2).padStart(7)} ${(samples.at(-1) ?? 0).toFixed(2).padStart(7)} | ${(processMs / N).toFixed(2).padStart(7)}`,
    );
  }
await closeReadWorkers();
handle.close();
