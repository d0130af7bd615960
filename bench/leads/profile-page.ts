/**
 * A grid page's request under `node --cpu-prof`: the same request again and again through HTTP
 * on loopback (client and server in this process), with the WAL checkpointer as in main.ts, so
 * the profile shows where the fixed cost per request goes.
 *
 *   pnpm --filter @mg/bench exec tsx --cpu-prof --cpu-prof-dir /tmp/prof leads/profile-page.ts \
 *     --db /tmp/copy.db [--n 2000] [--scope sub|all] [--identity]
 *
 * Writes access-log entries: use a copy.
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { migrateDatabase, openDatabase, startWalCheckpointer } from '@mg/db';
import { LEAD_SORTS, seededRandom } from '@mg/shared';
import { loadEnv } from '../../apps/api/src/env';
import { createLogger } from '../../apps/api/src/lib/logger';
import { createApp } from '../../apps/api/src/server';
import { mainThreadCpuMs } from './thread-time';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    n: { type: 'string', default: '2000' },
    scope: { type: 'string', default: 'sub' },
    identity: { type: 'boolean', default: false },
    path: { type: 'string', default: 'lead.list' },
    /** Extra pragmas for the request connection (try-outs), e.g. `--pragma 'cache_size = -65536'`. */
    pragma: { type: 'string', multiple: true },
    /** A random sort and direction per request instead of the first page. */
    sorts: { type: 'boolean', default: false },
  },
});
if (!args.db) throw new Error('--db <copy of a bench database> is required');
const handle = openDatabase(args.db);
migrateDatabase(handle);
const { sqlite } = handle;
for (const p of args.pragma ?? []) sqlite.pragma(p);
// As main.ts and run.ts: checkpoints on their own thread, not in whichever commit crosses 10,000 pages.
const checkpointer = startWalCheckpointer(handle);
const env = loadEnv({ NODE_ENV: 'development', LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
const app = createApp({ db: handle.db, env, log: createLogger('silent') });

async function login(email: string) {
  const res = await app.fetch(
    new Request('http://127.0.0.1/trpc/auth.login', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
        origin: 'http://127.0.0.1:3000',
      },
      body: JSON.stringify({ email, password: 'bench-passord-123' }),
    }),
  );
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .join('; ');
  if (!res.ok || !cookie) throw new Error(`login ${email}: ${res.status}`);
  return cookie;
}
const subsidiaryId = (
  sqlite
    .prepare('select subsidiary_id as s from leads where name = ?')
    .get('Ingeborg Ødegård-Sæther') as {
    s: number;
  }
).s;
const subIndex = (
  sqlite.prepare('select count(*) as n from subsidiaries where id < ?').get(subsidiaryId) as {
    n: number;
  }
).n;
const cookie = await login(
  args.scope === 'all' ? 'admin@bench.test' : `user0.sub${subIndex}@bench.test`,
);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((ok) => server.once('listening', () => ok()));
const { port } = server.address() as AddressInfo;
const base = `http://127.0.0.1:${port}/trpc/${args.path}?input=`;
const random = seededRandom(3);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const url = () =>
  base +
  encodeURIComponent(
    JSON.stringify(
      args.sorts
        ? { limit: 50, sort: pick(LEAD_SORTS), dir: pick(['asc', 'desc']) }
        : { limit: 50 },
    ),
  );
const headers: Record<string, string> = { cookie };
// fetch asks for gzip, deflate and br itself; --identity asks for none.
if (args.identity) headers['accept-encoding'] = 'identity';
const n = Number(args.n);
/** This thread's CPU so far (ns; Linux): the server's and the client's work, not the checkpointer's. */
const threadCpu = () => mainThreadCpuMs() * 1e6;
let bytes = 0;
const walls: number[] = [];
for (let i = 0; i < 20; i++) await (await fetch(url(), { headers })).arrayBuffer();
const before = process.cpuUsage();
const thread = threadCpu();
for (let i = 0; i < n; i++) {
  const start = performance.now();
  const res = await fetch(url(), { headers });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  bytes = (await res.arrayBuffer()).byteLength;
  walls.push(performance.now() - start);
}
const threadMs = (threadCpu() - thread) / 1e6 / n;
const used = process.cpuUsage(before);
walls.sort((a, b) => a - b);
const at = (p: number) => (walls[Math.ceil(walls.length * p) - 1] ?? Number.NaN).toFixed(2);
console.log(
  `${n} requests, ${bytes} bytes; CPU per request: this thread ${threadMs.toFixed(2)} ms, ` +
    `process ${((used.user + used.system) / 1000 / n).toFixed(2)} ms; wall p50 ${at(0.5)} p95 ${at(0.95)} ms; ` +
    `load ${loadavg()[0]?.toFixed(1)}`,
);
server.close();
await checkpointer?.stop();
handle.close();
