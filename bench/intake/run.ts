/**
 * Intake throughput against the real server.
 *
 *   pnpm --filter @mg/bench run intake [-- --duration 10 --connections 50 --no-build]
 *
 * Builds the API bundle, starts it (node apps/api/dist/main.js) on a free loopback port over
 * a temporary database seeded with the demo data, then runs autocannon in the same process
 * against two routes of that one server:
 *   - trivial: GET /trpc/auth.me without a cookie (the cheapest tRPC query we have)
 *   - intake:  POST /api/intake/<slug>, every request with its own e-mail and idempotency key
 * and prints req/s and p50/p95/p99 for both, leads/s, the ratio intake/trivial, and how many
 * leads were stored (must equal the 201 count). Goal: intake >= 40% of trivial.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '@mg/db';
import autocannon from 'autocannon';

const GOAL = 0.4;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const apiDir = join(root, 'apps/api');

const { values: args } = parseArgs({
  // pnpm passes the `--` separator through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
    'no-build': { type: 'boolean', default: false },
  },
});
const duration = Math.min(60, Math.max(1, Number(args.duration)));
const connections = Math.min(500, Math.max(1, Number(args.connections)));
const warmup = Math.min(10, Math.max(1, Number(args.warmup)));

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitForHealth(base: string, server: ChildProcess, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not become healthy in time');
}

interface Figures {
  rps: number;
  seconds: number;
  total: number;
  p50: number;
  p95: number;
  p99: number;
  codes: Record<string, number>;
  errors: number;
}

function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

/** One autocannon run; latencies are collected per response so p95 can be exact. */
async function measure(options: Parameters<typeof autocannon>[0]): Promise<Figures> {
  const latencies: number[] = [];
  const instance = autocannon(options);
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const codes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) codes[code] = stat.count;
  return {
    rps: result.requests.total / result.duration,
    seconds: result.duration,
    total: result.requests.total,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    codes,
    errors: result.errors + result.timeouts,
  };
}

async function main() {
  if (!args['no-build'] || !existsSync(join(apiDir, 'dist/main.js'))) {
    console.log('building the API bundle …');
    const build = spawnSync('node', ['build.mjs'], { cwd: apiDir, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('API build failed');
  }

  const dir = mkdtempSync(join(tmpdir(), 'mg-bench-intake-'));
  const dbFile = join(dir, 'bench.db');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [join(apiDir, 'dist/main.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      // Production refuses demo data (published passwords); nothing on the intake path depends
      // on NODE_ENV, so the seeded development mode measures the same code.
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: dbFile,
      DEMO_DATA: 'true',
      DEMO_LEADS: '3000',
      OUTBOX_DIR: join(dir, 'outbox'),
      WEB_DIST: join(dir, 'no-web'),
      PUBLIC_URL: base,
      LOG_LEVEL: 'warn',
      // The bench is one client IP: lift the per-IP limit for it.
      INTAKE_RATE_LIMIT: '100000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Never leave the server behind, whatever happens.
  const stop = () => {
    if (server.exitCode === null) server.kill('SIGTERM');
  };
  process.on('exit', stop);
  const watchdog = setTimeout(
    () => {
      console.error('bench took too long; stopping');
      stop();
      process.exit(1);
    },
    (240 + 2 * (duration + warmup) + 90) * 1000,
  );

  try {
    console.log(`starting the server on ${base} (seeding demo data) …`);
    // Seeding the demo data takes a while on a loaded machine.
    await waitForHealth(base, server, 240_000);

    const handle = openDatabase(dbFile, { readonly: true });
    const project = handle.sqlite
      .prepare(
        `select p.slug from projects p join subsidiaries s on s.id = p.subsidiary_id
         where s.active = 1 and p.status in ('planning', 'pre_sale', 'on_sale') order by p.id limit 1`,
      )
      .get() as { slug: string } | undefined;
    if (!project) throw new Error('no open project in the demo data');
    const leadsBefore = (
      handle.sqlite.prepare('select count(*) as n from leads').get() as {
        n: number;
      }
    ).n;

    const trivial: Parameters<typeof autocannon>[0] = {
      url: `${base}/trpc/auth.me`,
      connections,
      duration,
    };
    let n = 0;
    const runId = Date.now().toString(36);
    // The measured intake run is a fixed number of requests sized from the warm-up rate to
    // last about `duration` seconds: autocannon then waits for every answer, so the 201
    // count and the rows stored can be compared exactly (a timed run drops in-flight ones).
    const intake = (
      limit: { duration: number } | { amount: number },
    ): Parameters<typeof autocannon>[0] => ({
      url: base,
      connections,
      ...limit,
      requests: [
        {
          method: 'POST',
          path: `/api/intake/${project.slug}`,
          setupRequest(req) {
            n++;
            return {
              ...req,
              headers: {
                'content-type': 'application/json',
                'idempotency-key': `bench-${runId}-${n}`,
              },
              body: JSON.stringify({
                name: `Bench Person ${n}`,
                email: `bench.${runId}.${n}@example.no`,
                phone: `9${String(n % 10_000_000).padStart(7, '0')}`,
                message: 'Hei! Jeg vil gjerne vite mer om prosjektet.',
                marketingEmail: n % 2 === 0,
                marketingSms: n % 5 === 0,
              }),
            };
          },
        },
      ],
    });

    console.log(`warming up (${warmup} s each) …`);
    await measure({ ...trivial, duration: warmup });
    const warm = await measure(intake({ duration: warmup }));
    const amount = Math.max(connections * 10, Math.round(warm.rps * duration));

    console.log(
      `measuring: ${duration} s trivial, ${amount} intakes (~${duration} s), ${connections} connections …`,
    );
    const t = await measure(trivial);
    const count = () =>
      (handle.sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n;
    const beforeRun = count();
    const i = await measure(intake({ amount }));
    const created = i.codes['201'] ?? 0;
    const stored = count() - beforeRun;
    const outboxNow = () =>
      handle.sqlite.prepare('select status, count(*) as n from outbox group by status').all() as {
        status: string;
        n: number;
      }[];
    const outbox = outboxNow();
    // Notifications are sent after the commit, in the background; under a flood they queue
    // up. Measure how long the queue takes to drain once the load stops (bounded).
    const drainStart = Date.now();
    const pending = () => outboxNow().find((o) => o.status === 'pending')?.n ?? 0;
    while (pending() > 0 && Date.now() - drainStart < 60_000)
      await new Promise((r) => setTimeout(r, 200));
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const leftPending = pending();
    const sentTotal = outboxNow().find((o) => o.status === 'sent')?.n ?? 0;
    handle.close();

    const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(9);
    const row = (name: string, f: Figures) =>
      `${name.padEnd(28)}${f.rps.toFixed(0).padStart(9)}${ms(f.p50)}${ms(f.p95)}${ms(f.p99)}  ${JSON.stringify(f.codes)}${f.errors ? ` errors=${f.errors}` : ''}`;
    const ratio = i.rps / t.rps;
    const leadsPerSecond = created / i.seconds;
    console.log('');
    console.log(
      `${'route'.padEnd(28)}${'req/s'.padStart(9)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'p99'.padStart(9)}  status codes`,
    );
    console.log(row('GET  /trpc/auth.me', t));
    console.log(row(`POST /api/intake/${project.slug}`.slice(0, 27), i));
    console.log('');
    console.log(`leads/s                     ${leadsPerSecond.toFixed(0)}`);
    console.log(
      `ratio intake / trivial      ${(ratio * 100).toFixed(1)}%  (goal >= ${GOAL * 100}%)`,
    );
    console.log(`201 answers                 ${created}`);
    console.log(`leads stored                ${stored}  (demo data: ${leadsBefore})`);
    console.log(
      `outbox right after the run  ${outbox.map((o) => `${o.status} ${o.n}`).join(', ')}`,
    );
    console.log(
      leftPending === 0
        ? `outbox drained in           ${drainSeconds.toFixed(1)} s after the load (${sentTotal} notifications sent in all)`
        : `outbox after 60 s           ${leftPending} still pending`,
    );
    const ok = stored === created && i.errors === 0 && ratio >= GOAL;
    console.log(
      stored === created ? 'stored == 201 count: yes' : 'stored == 201 count: NO (mismatch!)',
    );
    console.log(ok ? 'RESULT: goal met' : 'RESULT: goal NOT met');
    process.exitCode = ok ? 0 : 1;
  } finally {
    clearTimeout(watchdog);
    stop();
    await new Promise((r) => (server.exitCode === null ? server.once('exit', r) : r(null)));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
