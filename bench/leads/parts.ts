/**
 * Where a grid request's time goes, in server CPU (process.cpuUsage), which the machine's load
 * distorts far less than wall time. In-process, no socket: `app.fetch` with a Request.
 *
 *   pnpm --filter @mg/bench exec tsx leads/parts.ts --db /tmp/copy.db [--n 300] [--only regex]
 *
 * For each case: CPU per whole request (app.fetch: Hono, tRPC, session, scope, the page,
 * the access-log append, JSON), and the parts alone: the page query (`listLeads`), the
 * log append, the session lookup. Needs a database the bench has used (its users and
 * passwords). Writes access-log entries: use a copy.
 */
import { parseArgs } from 'node:util';
import {
  appendAccessLog,
  listLeads,
  migrateDatabase,
  openDatabase,
  startWalCheckpointer,
} from '@mg/db';
import { LEAD_SORTS, type LeadListParams, type Scope, seededRandom } from '@mg/shared';
import { loadEnv } from '../../apps/api/src/env';
import { createLogger } from '../../apps/api/src/lib/logger';
import { validateSessionToken } from '../../apps/api/src/lib/session';
import { createApp } from '../../apps/api/src/server';
import { leadDraws } from './draws';
import { mainThreadCpuMs } from './thread-time';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    n: { type: 'string', default: '300' },
    only: { type: 'string' },
    /** Extra pragmas for the request connection, e.g. `--pragma 'cache_size = -65536'` (try-outs). */
    pragma: { type: 'string', multiple: true },
  },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const N = Math.max(20, Number(args.n));
const ONLY = args.only ? new RegExp(args.only) : null;
const PASSWORD = 'bench-passord-123';
const random = seededRandom(7);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const handle = openDatabase(args.db);
migrateDatabase(handle);
const { db, sqlite } = handle;
for (const p of args.pragma ?? []) sqlite.pragma(p);
// As main.ts and run.ts: checkpoints on their own thread, not in whichever commit crosses the
// autocheckpoint size (that commit alone took 160–270 ms, decision 021).
const checkpointer = startWalCheckpointer(handle);
const env = loadEnv({ NODE_ENV: 'development', LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
const app = createApp({ db, env, log: createLogger('silent') });

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

const subsidiaryId = (
  sqlite
    .prepare(`select subsidiary_id as s from leads where name = ?`)
    .get('Ingeborg Ødegård-Sæther') as { s: number }
).s;
const subIndex = (
  sqlite.prepare('select count(*) as n from subsidiaries where id < ?').get(subsidiaryId) as {
    n: number;
  }
).n;
const adminCookie = await login('admin@bench.test');
const subCookie = await login(`user0.sub${subIndex}@bench.test`);
const adminId = (
  sqlite.prepare(`select id from users where email = 'admin@bench.test'`).get() as {
    id: number;
  }
).id;

/** This (the request) thread's time on a CPU so far, in µs (Linux; the load does not inflate it). */
const threadCpu = () => mainThreadCpuMs() * 1e3;

/**
 * CPU in µs of `fn`, averaged over N calls after 10 to warm up: the request thread's own, and
 * the whole process's (the WAL checkpointer's thread and zlib's work on the thread pool too).
 */
async function cpu(fn: () => unknown | Promise<unknown>, n = N) {
  for (let i = 0; i < 10; i++) await fn();
  const thread: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = process.cpuUsage();
    const t = threadCpu();
    await fn();
    thread.push(threadCpu() - t);
    const d = process.cpuUsage(before);
    all.push(d.user + d.system);
  }
  return { thread: stats(thread), all: stats(all) };
}
function stats(samples: number[]) {
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const p95 = samples[Math.ceil(samples.length * 0.95) - 1] ?? Number.NaN;
  return { mean, p95 };
}
const ms = (r: { mean: number; p95: number }) =>
  `${(r.mean / 1000).toFixed(2).padStart(6)} ${(r.p95 / 1000).toFixed(2).padStart(6)}`;
/** Thread mean, p95 | process mean, p95 (ms). */
const fmt = (r: Awaited<ReturnType<typeof cpu>>) => `${ms(r.thread)} | ${ms(r.all)}`;

/**
 * What @hono/node-server hands the app: the socket's address (read by the request's IP
 * middleware; without it getConnInfo throws, and the throw alone cost ~0.4 ms a request here).
 */
const nodeEnv = {
  incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 40000, remoteFamily: 'IPv4' } },
};

async function request(cookie: string, path: string, input: unknown) {
  const res = await app.fetch(
    new Request(
      `http://127.0.0.1/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
      // As a browser asks (fetch in run.ts too): the answer's compression is part of its cost.
      { headers: { cookie, 'accept-encoding': 'gzip, deflate, br, zstd' } },
    ),
    nodeEnv,
  );
  if (!res.ok) throw new Error(`${path} ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

const scopes: [string, string, Scope][] = [
  ['all', adminCookie, { kind: 'all' } as Scope],
  ['sub', subCookie, { kind: 'subsidiary', subsidiaryId } as Scope],
];
const draws = leadDraws(sqlite, random, Date.now());
const casesOf = (sub: number | undefined): [string, () => LeadListParams][] => [
  ['first page', () => ({ limit: 50 })],
  ['sort random', () => ({ limit: 50, sort: pick(LEAD_SORTS), dir: pick(['asc', 'desc']) })],
  ...LEAD_SORTS.map((sort): [string, () => LeadListParams] => [
    `deep ${sort}`,
    () => {
      const dir = pick(['asc', 'desc'] as const);
      return { limit: 50, sort, dir, cursor: draws.randomCursor(sub, sort, dir) };
    },
  ]),
];

console.log(
  `CPU per call, ms: request thread mean p95 | whole process mean p95 (of ${N}); load ${(
    await import('node:os')
  )
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [scopeName, cookie, scope] of scopes) {
  for (const [caseName, draw] of casesOf(scope.kind === 'all' ? undefined : subsidiaryId)) {
    const label = `${scopeName} ${caseName}`;
    if (ONLY && !ONLY.test(label)) continue;
    // Drawn before the clock starts: a deep page's cursor is itself a read.
    const drawn = Array.from({ length: N + 10 }, draw);
    let k = 0;
    const next = () => drawn[k++ % drawn.length] as LeadListParams;
    const whole = await cpu(() => request(cookie, 'lead.list', next()));
    const query = await cpu(() => db.transaction((tx) => listLeads(tx, { scope, filter: next() })));
    console.log(`${label.padEnd(24)} request ${fmt(whole)}   listLeads ${fmt(query)}`);
  }
}
const maxId = (sqlite.prepare('select max(id) as m from leads').get() as { m: number }).m;
const subIds = (
  sqlite
    .prepare('select id from leads where subsidiary_id = ?')
    .pluck()
    .all(subsidiaryId) as number[]
).sort((a, b) => a - b);
/**
 * The ids a page shows decide how many `access_log_targets_idx` leaves its entry writes
 * (decision 039): adjacent ids (the admin's first page) share a few leaves; a subsidiary's
 * newest 50 are spread over ~1,500 ids; a sorted or deep page's over the whole table.
 */
const targetSets: [string, () => number[]][] = [
  ['adjacent', () => Array.from({ length: 50 }, (_, i) => 1000 + i)],
  ['sub newest', () => subIds.slice(-50)],
  ['sub random', () => Array.from({ length: 50 }, () => pick(subIds))],
  ['random', () => Array.from({ length: 50 }, () => 1 + Math.floor(random() * maxId))],
];
for (const [name, targets] of targetSets) {
  if (ONLY && !ONLY.test(`append ${name}`)) continue;
  const append = await cpu(() =>
    db.transaction((tx) =>
      appendAccessLog(tx, {
        action: 'lead.list',
        outcome: 'ok',
        purpose: 'follow_up',
        actorUserId: adminId,
        actorRole: 'admin',
        targetType: 'lead',
        targetIds: targets(),
        requestId: 'r',
        ip: '127.0.0.1',
        userAgent: 'bench',
        detail: { filters: [], searched: false, page: 'first' },
      }),
    ),
  );
  console.log(`${`access-log append (50 ${name})`.padEnd(32)} ${fmt(append)}`);
}
const token = decodeURIComponent(adminCookie.split('=')[1] ?? '');
const session = await cpu(() => validateSessionToken(db, token));
console.log(`${'session lookup'.padEnd(24)} ${fmt(session)}`);
const empty = await cpu(() => db.transaction(() => 0));
console.log(`${'empty transaction'.padEnd(24)} ${fmt(empty)}`);
const me = await cpu(() => request(adminCookie, 'auth.me', undefined));
console.log(`${'auth.me request'.padEnd(24)} ${fmt(me)}`);
await checkpointer?.stop();
handle.close();
