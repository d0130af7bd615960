/**
 * Where the audience export's time on the request thread goes, in that thread's own CPU time
 * (/proc/self/task/<pid>/schedstat: nanoseconds on a CPU, which the machine's load does not
 * inflate as it does event-loop delay), part by part, on a copy of a bench database:
 *
 *   pnpm --filter @mg/bench exec tsx leads/export-parts.ts --db /tmp/copy.db [--rounds 2]
 *                                                          [--purpose marketing_sms]
 *
 * - ids read: the audience's ids from a read worker (the request thread only receives the
 *   moved buffer), and what turning them into a JS array would add (`Array.from`, as before);
 * - log parts: one access-log entry of N ids (its JSON, target rows and hash, one
 *   transaction, as `logNowInParts` writes each part), for parts of 1,000 and 5,000 ids taken
 *   in alternating rounds over the same selection;
 * - CSV chunks: `audienceCsvChunk` for each 1,000 ids (rows read in one statement, then the
 *   CSV text), and the statement alone;
 * - the Oslo wall clock of the lead export's cells: Intl per call against the cached offset;
 * - the whole export through the app (`app.fetch`, no socket): the request thread's CPU and
 *   its longest event-loop block while the body is read to the end.
 * Each line: count, p50 / p95 / max (ms) and the sum. Writes access-log entries: use a copy.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { audienceRowsByIds, migrateDatabase, openDatabase, startWalCheckpointer } from '@mg/db';
import { type ConsentPurpose, consentPurposeSchema, scopeFor } from '@mg/shared';
import { loadEnv } from '../../apps/api/src/env';
import { closeReadWorkers, readsFor } from '../../apps/api/src/jobs/read-workers';
import { logNow, staff } from '../../apps/api/src/lib/access-log';
import { osloWallForTest } from '../../apps/api/src/lib/csv';
import { createLogger } from '../../apps/api/src/lib/logger';
import { AUDIENCE_LOG_PART, audienceCsvChunk } from '../../apps/api/src/public/audience-export';
import { createApp } from '../../apps/api/src/server';
import { mainThreadCpuMs } from './thread-time';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    purpose: { type: 'string', default: 'marketing_sms' },
  },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const ROUNDS = Math.max(1, Number(args.rounds));
const purpose: ConsentPurpose = consentPurposeSchema.parse(args.purpose);
const PASSWORD = 'bench-passord-123';

const handle = openDatabase(args.db);
migrateDatabase(handle);
const { db, sqlite } = handle;
// As main.ts runs the API: WAL checkpoints on their own thread, not in whichever commit crosses
// the automatic checkpoint's size (without it a log part now and then pays for one, decision 021).
const checkpointer = startWalCheckpointer(handle);

const threadCpu = mainThreadCpuMs;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const samples = new Map<string, number[]>();
function record(name: string, ms: number) {
  const list = samples.get(name) ?? [];
  list.push(ms);
  samples.set(name, list);
}
function timed<T>(name: string, work: () => T): T {
  const started = threadCpu();
  const out = work();
  record(name, threadCpu() - started);
  return out;
}
function report(name: string) {
  const asTaken = samples.get(name) ?? [];
  const list = [...asTaken].sort((a, b) => a - b);
  if (list.length === 0) return;
  const at = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0;
  const sum = list.reduce((a, b) => a + b, 0);
  console.log(
    `  ${name.padEnd(44)} ${String(list.length).padStart(6)} ${at(0.5).toFixed(2).padStart(8)} ${at(0.95).toFixed(2).padStart(8)} ${(list.at(-1) ?? 0).toFixed(2).padStart(8)} ${sum.toFixed(0).padStart(9)}  (max: #${asTaken.indexOf(list.at(-1) ?? 0) + 1})`,
  );
}

const scope = scopeFor({ role: 'admin', subsidiaryId: null });
const admin = sqlite.prepare(`select id from users where email = 'admin@bench.test'`).get() as {
  id: number;
};
const actor = staff({ id: admin.id, role: 'admin' });
const request = { requestId: 'export-parts', ip: '127.0.0.1', userAgent: 'bench' };
console.log(`audience export (${purpose}) by parts, request-thread CPU; load average ${load()}`);

// ---------------------------------------------------------------- ids read
const reads = readsFor(db);
await reads.audienceIds({ scope, purpose }); // starts the worker (and its imports)
let ids: Float64Array = new Float64Array(0);
for (let round = 0; round < ROUNDS; round++) {
  const started = threadCpu();
  ids = await reads.audienceIds({ scope, purpose });
  record('ids read: worker hop (moved Float64Array)', threadCpu() - started);
  timed('ids read: + Array.from (the old copy)', () => Array.from(ids).length);
}
console.log(`  ${ids.length.toLocaleString('en')} ids selected`);

// ---------------------------------------------------------------- log parts
for (let round = 0; round < ROUNDS; round++)
  for (const size of round % 2 === 0 ? [AUDIENCE_LOG_PART, 5000] : [5000, AUDIENCE_LOG_PART])
    for (let at = 0; at < ids.length; at += size) {
      const part = ids.subarray(at, at + size);
      timed(`log part of ${size.toLocaleString('en')} ids`, () =>
        logNow(db, request, actor, {
          action: 'bench.exportParts',
          purpose: 'marketing',
          targetType: 'lead',
          targetIds: Array.from(part),
          outcome: 'ok',
          detail: { consentPurpose: purpose, count: ids.length },
        }),
      );
      await new Promise((next) => setImmediate(next));
    }

// ---------------------------------------------------------------- CSV chunks
for (let round = 0; round < ROUNDS; round++)
  for (let at = 0; at < ids.length; at += 1000) {
    const part = Array.from(ids.subarray(at, at + 1000));
    timed('CSV chunk of 1,000 ids (rows + text)', () =>
      audienceCsvChunk(db, purpose, part, at === 0),
    );
    timed('  of which the rows statement', () => audienceRowsByIds(db, { purpose, ids: part }));
    await new Promise((next) => setImmediate(next));
  }

// ---------------------------------------------------------------- Oslo wall clock
const instants = Array.from({ length: 100_000 }, (_, i) => Date.UTC(2025, 0, 1) + i * 631_000);
for (let round = 0; round < ROUNDS; round++) {
  timed('Oslo wall clock x100k: Intl each', () => instants.map(osloWallForTest.intl).length);
  timed(
    'Oslo wall clock x100k: offset per UTC hour',
    () => instants.map(osloWallForTest.cached).length,
  );
}

// ---------------------------------------------------------------- the whole export
const env = loadEnv({ NODE_ENV: 'development', LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
const app = createApp({ db, env, log: createLogger('silent') });
const login = await app.fetch(
  new Request('http://127.0.0.1/trpc/auth.login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ email: 'admin@bench.test', password: PASSWORD }),
  }),
);
const cookie = login.headers
  .getSetCookie()
  .map((c) => c.split(';')[0] ?? '')
  .join('; ');
if (!login.ok || !cookie) throw new Error(`login: ${login.status}`);
for (let round = 0; round < ROUNDS; round++) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const started = threadCpu();
  const res = await app.fetch(
    new Request(`http://127.0.0.1/api/exports/audience.csv?purpose=${purpose}`, {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    }),
  );
  if (!res.ok || !res.body) throw new Error(`export: ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  const cpu = threadCpu() - started;
  loop.disable();
  record('whole export through app.fetch', cpu);
  console.log(
    `  whole export ${round + 1}: ${(bytes / 1048576).toFixed(1)} MB, request-thread CPU ${cpu.toFixed(0)} ms, longest block ${(loop.max / 1e6).toFixed(0)} ms; load ${load()}`,
  );
}

console.log(
  `\n  ${'part'.padEnd(44)} ${'count'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'sum ms'.padStart(9)}`,
);
for (const name of samples.keys()) report(name);
console.log(`\nload average at the end ${load()}`);
await closeReadWorkers();
await checkpointer?.stop();
handle.close();
