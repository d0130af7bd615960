/**
 * Intake throughput against the real server.
 *
 *   pnpm --filter @mg/bench run intake [-- --duration 12 --rounds 4 --connections 50 --no-build
 *                                          --profile DIR --api-dist OTHER/apps/api/dist]
 *
 * Builds the API bundle, starts it (node apps/api/dist/main.js) on a free loopback port over
 * a temporary database seeded with the demo data, then runs autocannon in the same process
 * against two routes of that one server:
 *   - trivial: GET /trpc/auth.me without a cookie (the cheapest tRPC query we have)
 *   - intake:  POST /api/intake/<slug>, every request with its own e-mail and idempotency key
 * The two alternate in `--rounds` short rounds (trivial, intake, trivial, intake, …) so that a
 * change in the machine's load during the run hits both alike, and the ratio compares like with
 * like. Prints req/s and p50/p95/p99 for both, the ratio intake/trivial next to its budget
 * (issue 11: >= 40 %), the ratio of each round, the server's CPU time per request of each
 * route (from /proc: what the ratio would be on an otherwise idle core), and how many leads
 * were stored (must equal the 201 count). Exits 1 when the budget is missed, a 201 was not
 * stored, or a request failed.
 *
 * `--profile DIR`: the server runs under `node --cpu-prof` (after seeding, so the profile
 * holds only the measured load), and the profile's summary (where an intake request spends
 * its CPU: body read, zod, phone, SQL statements, outbox, access log) is printed at the end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '@mg/db';
import autocannon from 'autocannon';
import { summarise, type Window } from './profile-summary';

/** Issue 11 point 4: intake keeps at least 40 % of a trivial tRPC query's throughput. */
const BUDGET = 0.4;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const apiDir = join(root, 'apps/api');

const { values: args } = parseArgs({
  // pnpm passes the `--` separator through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    duration: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
    'no-build': { type: 'boolean', default: false },
    profile: { type: 'string' },
    // Another build's dist folder (e.g. the previous commit's), to compare builds run by run.
    'api-dist': { type: 'string' },
  },
});
const duration = Math.min(120, Math.max(1, Number(args.duration)));
const rounds = Math.min(20, Math.max(1, Math.round(Number(args.rounds))));
const apiDist = args['api-dist'] ? resolve(args['api-dist']) : join(apiDir, 'dist');
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

/** One autocannon run: its answers, latencies and the server CPU it took. */
interface Run {
  seconds: number;
  total: number;
  latencies: number[];
  codes: Record<string, number>;
  errors: number;
  /** Server process CPU (user + system) during the run, ms; null where /proc is not there. */
  cpuMs: number | null;
  /** The same, of the server's main thread alone (the one that answers requests). */
  mainCpuMs: number | null;
  /** The bench process's own CPU (autocannon and the bodies it builds). */
  clientCpuMs: number;
  runQueueMs: number | null;
}

/** Every run of one route added up. */
interface Figures {
  rps: number;
  seconds: number;
  total: number;
  p50: number;
  p95: number;
  p99: number;
  codes: Record<string, number>;
  errors: number;
  /** Server CPU per request, ms (null without /proc). */
  cpuPerRequest: number | null;
  /** The main thread's share of it, ms (the mail worker and other threads left out). */
  mainCpuPerRequest: number | null;
  /** Share of the run's wall time the server's main thread was on a core. */
  mainBusy: number | null;
  /** Share of the run's wall time the main thread was ready to run but had no core. */
  mainWaiting: number | null;
  clientCpuPerRequest: number;
}

function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

const CLOCK_TICK_MS = 10; // Linux USER_HZ is 100 (getconf CLK_TCK)

/** ms the server's main thread spent runnable but waiting for a core (schedstat, field 2). */
function runQueueMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const wait = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(wait) ? wait / 1e6 : null;
  } catch {
    return null;
  }
}

/**
 * utime + stime of a process, ms, from /proc/<pid>/stat (fields 14 and 15); of its main
 * thread alone with `mainThread` (/proc/<pid>/task/<pid>/stat).
 */
function cpuMsOf(pid: number | undefined, mainThread = false): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(
      mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`,
      'utf8',
    );
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return Number.isFinite(user + system) ? (user + system) * CLOCK_TICK_MS : null;
  } catch {
    return null;
  }
}

/** One autocannon run; latencies are collected per response so p95 can be exact. */
async function measure(
  options: Parameters<typeof autocannon>[0],
  serverPid: number | undefined,
): Promise<Run> {
  const latencies: number[] = [];
  const cpuBefore = cpuMsOf(serverPid);
  const mainBefore = cpuMsOf(serverPid, true);
  const clientBefore = process.cpuUsage();
  const queueBefore = runQueueMsOf(serverPid);
  const instance = autocannon(options);
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await instance;
  const client = process.cpuUsage(clientBefore);
  const queueAfter = runQueueMsOf(serverPid);
  const cpuAfter = cpuMsOf(serverPid);
  const mainAfter = cpuMsOf(serverPid, true);
  const codes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) codes[code] = stat.count;
  return {
    seconds: result.duration,
    total: result.requests.total,
    latencies,
    codes,
    errors: result.errors + result.timeouts,
    cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    mainCpuMs: mainBefore === null || mainAfter === null ? null : mainAfter - mainBefore,
    clientCpuMs: (client.user + client.system) / 1000,
    runQueueMs: queueBefore === null || queueAfter === null ? null : queueAfter - queueBefore,
  };
}

function addUp(runs: readonly Run[]): Figures {
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const total = runs.reduce((s, r) => s + r.total, 0);
  const sorted = Float64Array.from(runs.flatMap((r) => r.latencies)).sort();
  const codes: Record<string, number> = {};
  for (const r of runs)
    for (const [code, n] of Object.entries(r.codes)) codes[code] = (codes[code] ?? 0) + n;
  const cpu = runs.every((r) => r.cpuMs !== null)
    ? runs.reduce((s, r) => s + (r.cpuMs ?? 0), 0)
    : null;
  const mainCpu = runs.every((r) => r.mainCpuMs !== null)
    ? runs.reduce((s, r) => s + (r.mainCpuMs ?? 0), 0)
    : null;
  return {
    rps: seconds > 0 ? total / seconds : 0,
    seconds,
    total,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    codes,
    errors: runs.reduce((s, r) => s + r.errors, 0),
    cpuPerRequest: cpu !== null && total > 0 ? cpu / total : null,
    mainCpuPerRequest: mainCpu !== null && total > 0 ? mainCpu / total : null,
    mainBusy: mainCpu !== null && seconds > 0 ? mainCpu / 1000 / seconds : null,
    mainWaiting:
      seconds > 0 && runs.every((r) => r.runQueueMs !== null)
        ? runs.reduce((s, r) => s + (r.runQueueMs ?? 0), 0) / 1000 / seconds
        : null,
    clientCpuPerRequest: total > 0 ? runs.reduce((s, r) => s + r.clientCpuMs, 0) / total : 0,
  };
}

interface Server {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Start the built API on the bench database; resolves once /healthz answers. */
async function startServer(
  base: string,
  env: Record<string, string>,
  nodeArgs: string[],
  timeoutMs: number,
): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, join(apiDist, 'main.js')], {
    cwd: env.BENCH_DIR,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  // Never leave the server behind, whatever happens.
  process.on('exit', kill);
  const server: Server = {
    process: child,
    async stop() {
      const exited = new Promise((r) =>
        child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null),
      );
      kill();
      await exited;
      process.off('exit', kill);
    },
  };
  try {
    await waitForHealth(base, child, timeoutMs);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function main() {
  if (!args['api-dist'] && (!args['no-build'] || !existsSync(join(apiDir, 'dist/main.js')))) {
    console.log('building the API bundle …');
    const build = spawnSync('node', ['build.mjs'], { cwd: apiDir, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('API build failed');
  }

  const dir = mkdtempSync(join(tmpdir(), 'mg-bench-intake-'));
  const dbFile = join(dir, 'bench.db');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profileDir = args.profile ? resolve(args.profile) : null;
  const serverEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    BENCH_DIR: dir,
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
  };
  const watchdog = setTimeout(
    () => {
      console.error('bench took too long; stopping');
      process.exit(1);
    },
    (2 * 240 + 2 * (duration + 2 * warmup) + 120) * 1000,
  );

  let server: Server | null = null;
  try {
    console.log(`starting the server on ${base} (seeding demo data) …`);
    // Seeding the demo data takes a while on a loaded machine.
    server = await startServer(base, serverEnv, [], 240_000);
    if (profileDir) {
      // Seeded: start again under the profiler, so the profile holds only the load.
      await server.stop();
      mkdirSync(profileDir, { recursive: true });
      console.log(`restarting under node --cpu-prof (profile into ${profileDir}) …`);
      server = await startServer(
        base,
        serverEnv,
        ['--cpu-prof', '--cpu-prof-dir', profileDir],
        60_000,
      );
    }
    const pid = server.process.pid;

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

    const trivial = (seconds: number): Parameters<typeof autocannon>[0] => ({
      url: `${base}/trpc/auth.me`,
      connections,
      duration: seconds,
    });
    let n = 0;
    const runId = Date.now().toString(36);
    // A measured intake run is a fixed number of requests sized from the last rate seen to
    // last about a round: autocannon then waits for every answer, so the 201 count and the
    // rows stored can be compared exactly (a timed run drops in-flight ones).
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
    const count = () =>
      (handle.sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n;

    console.log(`warming up (${warmup} s each) …`);
    // Intake first: its timed run stops with answers in flight, which the server finishes
    // while the trivial warm-up runs, before the rows are counted.
    const warm = await measure(intake({ duration: warmup }), pid);
    await measure(trivial(warmup), pid);

    const perRound = duration / rounds;
    console.log(
      `measuring: ${rounds} rounds of ${perRound.toFixed(1)} s trivial + ~${perRound.toFixed(1)} s intake, ${connections} connections …`,
    );
    const trivialRuns: Run[] = [];
    const intakeRuns: Run[] = [];
    // When intake load ran (monotonic µs, the profiler's clock): the profile is cut to these.
    const intakeWindows: Window[] = [];
    let intakeRate = warm.total / Math.max(0.001, warm.seconds);
    const beforeRun = count();
    for (let r = 0; r < rounds; r++) {
      trivialRuns.push(await measure(trivial(perRound), pid));
      const amount = Math.max(connections * 4, Math.round(intakeRate * perRound));
      const from = Number(process.hrtime.bigint() / 1000n);
      const run = await measure(intake({ amount }), pid);
      intakeWindows.push({ from, to: Number(process.hrtime.bigint() / 1000n) });
      intakeRuns.push(run);
      intakeRate = run.total / Math.max(0.001, run.seconds);
    }
    const t = addUp(trivialRuns);
    const i = addUp(intakeRuns);
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
    const cpu = (f: Figures) =>
      f.cpuPerRequest === null
        ? '      –'
        : `${(f.cpuPerRequest * 1000).toFixed(0).padStart(5)} µs`;
    const row = (name: string, f: Figures) =>
      `${name.padEnd(28)}${f.rps.toFixed(0).padStart(9)}${ms(f.p50)}${ms(f.p95)}${ms(f.p99)}  ${cpu(f)}  ${JSON.stringify(f.codes)}${f.errors ? ` errors=${f.errors}` : ''}`;
    const ratio = t.rps > 0 ? i.rps / t.rps : 0;
    const leadsPerSecond = created / Math.max(0.001, i.seconds);
    const roundRatios = intakeRuns.map((run, r) => {
      const tr = trivialRuns[r];
      const trivialRate = tr ? tr.total / Math.max(0.001, tr.seconds) : 0;
      return trivialRate > 0 ? run.total / Math.max(0.001, run.seconds) / trivialRate : 0;
    });
    const cpuRatio =
      t.cpuPerRequest !== null && i.cpuPerRequest !== null && i.cpuPerRequest > 0
        ? t.cpuPerRequest / i.cpuPerRequest
        : null;
    const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
    console.log('');
    console.log(
      `${'route'.padEnd(28)}${'req/s'.padStart(9)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'p99'.padStart(9)}  ${'CPU/req'.padStart(8)}  status codes`,
    );
    console.log(row('GET  /trpc/auth.me', t));
    console.log(row(`POST /api/intake/${project.slug}`.slice(0, 27), i));
    console.log('');
    console.log(`trivial                     ${t.rps.toFixed(0)} req/s`);
    console.log(
      `intake                      ${i.rps.toFixed(0)} req/s (${leadsPerSecond.toFixed(0)} leads/s)`,
    );
    console.log(
      `ratio intake / trivial      ${pct(ratio)}  (budget >= ${pct(BUDGET)}): ${ratio >= BUDGET ? 'met' : 'MISSED'}`,
    );
    console.log(`ratio per round             ${roundRatios.map(pct).join(', ')}`);
    if (cpuRatio !== null)
      console.log(
        `server CPU per request      trivial ${cpu(t).trim()}, intake ${cpu(i).trim()}: ratio ${pct(cpuRatio)} (what an idle core would give; not the budget)`,
      );
    const mainCpu = (f: Figures) =>
      f.mainCpuPerRequest === null ? '–' : `${(f.mainCpuPerRequest * 1000).toFixed(0)} µs`;
    if (i.mainCpuPerRequest !== null)
      console.log(
        `main thread CPU per request trivial ${mainCpu(t)}, intake ${mainCpu(i)} (the rest: the mail worker, the WAL checkpointer, GC helpers)`,
      );
    const share = (v: number | null) => (v === null ? '–' : pct(v));
    // The rest of the wall time the thread slept: on the client, or on a batch's window.
    console.log(
      `main thread on a core       trivial ${share(t.mainBusy)}, intake ${share(i.mainBusy)}; waiting for one: trivial ${share(t.mainWaiting)}, intake ${share(i.mainWaiting)}`,
    );
    console.log(
      `bench client CPU per req.   trivial ${(t.clientCpuPerRequest * 1000).toFixed(0)} µs, intake ${(i.clientCpuPerRequest * 1000).toFixed(0)} µs (autocannon, same 2 cores)`,
    );
    console.log(
      `load average                ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
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
    const ok = stored === created && i.errors === 0 && ratio >= BUDGET;
    console.log(
      stored === created ? 'stored == 201 count: yes' : 'stored == 201 count: NO (mismatch!)',
    );
    console.log(ok ? 'RESULT: budget met' : 'RESULT: budget NOT met');
    process.exitCode = ok ? 0 : 1;

    if (profileDir) {
      await server.stop();
      server = null;
      const newest = readdirSync(profileDir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(profileDir, f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
      if (!newest) throw new Error('the server wrote no profile');
      // Kept beside the profile, so it can be summarised again (profile-summary.ts --windows).
      writeFileSync(
        `${newest}.intake.json`,
        JSON.stringify({ windows: intakeWindows, requests: i.total }),
      );
      console.log('');
      summarise(newest, 40, intakeWindows, i.total);
    }
  } finally {
    clearTimeout(watchdog);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
