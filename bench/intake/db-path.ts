/**
 * Intake's database path in one process, without HTTP: the CPU time per form of the
 * group-commit queue (validation, suppression check, lead and its rows, access log, batch
 * commit), on a fresh demo database.
 *
 *   pnpm --filter @mg/bench exec tsx intake/db-path.ts [--forms 3000 --batch 50 --warmup 500]
 *
 * CPU time (process.cpuUsage) rather than wall time, so a machine shared with other work
 * distorts it less; still, compare builds by alternating runs. The forms are the ones
 * bench/intake posts (every one with its own e-mail and idempotency key; every second ticks
 * e-mail marketing, every fifth SMS). Prints µs per form and the SQLite statements run per
 * form (counted at the driver), so a change that adds a statement shows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase, setSuppressionKey } from '@mg/db';
import { seedDemoData } from '@mg/db/seed';
import { createIntakeQueue } from '../../apps/api/src/lib/intake';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    forms: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '500' },
    leads: { type: 'string', default: '3000' },
    // Count statements (wraps every statement: costs CPU, so not for the µs figure).
    count: { type: 'boolean', default: false },
    // With --count: also the time spent in each statement (by SQL text), summed over the forms.
    'by-statement': { type: 'boolean', default: false },
    // SQL run after seeding (e.g. a DROP INDEX), to weigh a schema change before writing it.
    'after-seed': { type: 'string' },
    // A/B of a schema change: SQL applied to a second database only (see below).
    ab: { type: 'string' },
    // Write a CPU profile of the measured forms only (not the seeding) to this file.
    profile: { type: 'string' },
  },
});
const forms = Math.max(1, Number(args.forms));
const batchSize = Math.max(1, Number(args.batch));
const warmup = Math.max(0, Number(args.warmup));

let statements = 0;
const count = args.count || args['by-statement'];
const byStatement = new Map<string, { calls: number; us: number }>();
const dir = mkdtempSync(join(tmpdir(), 'mg-bench-intake-db-'));

/** A seeded demo database and its intake queue; `extraSql` runs after seeding. */
async function setUp(name: string, extraSql: string | undefined, counting: boolean) {
  const handle = openDatabase(join(dir, `${name}.db`));
  // Statements run, counted where the driver runs them (every statement is prepared through
  // the connection, cached or not).
  const counted = new WeakSet<object>();
  const prepare = handle.sqlite.prepare.bind(handle.sqlite);
  handle.sqlite.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (counting && !counted.has(stmt)) {
      counted.add(stmt);
      for (const method of ['run', 'get', 'all'] as const) {
        const original = stmt[method].bind(stmt) as (...a: unknown[]) => unknown;
        (stmt as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => {
          statements++;
          if (!args['by-statement']) return original(...a);
          // CPU time, not wall: the machine is shared, and a statement descheduled half-way
          // would otherwise take the blame for someone else's work.
          const start = process.cpuUsage();
          try {
            return original(...a);
          } finally {
            const spent = process.cpuUsage(start);
            const seen = byStatement.get(source) ?? { calls: 0, us: 0 };
            seen.calls++;
            seen.us += spent.user + spent.system;
            byStatement.set(source, seen);
          }
        };
      }
    }
    return stmt;
  }) as typeof handle.sqlite.prepare;

  migrateDatabase(handle);
  setSuppressionKey(handle.db, randomBytes(32));
  await seedDemoData(handle.db, {
    hashPassword: async (p) => `plain:${p}`,
    leads: Number(args.leads),
  });
  if (extraSql) handle.sqlite.exec(extraSql);
  const project = handle.sqlite
    .prepare(
      `select p.slug from projects p join subsidiaries s on s.id = p.subsidiary_id
       where s.active = 1 and p.status in ('planning', 'pre_sale', 'on_sale') order by p.id limit 1`,
    )
    .get() as { slug: string } | undefined;
  if (!project) throw new Error('no open project in the demo data');
  const queue = createIntakeQueue(handle.db);
  /** `count` forms, in batches, every one expected to be stored. */
  const run = async (count: number) => {
    for (let done = 0; done < count; done += batchSize) {
      const batch = Array.from({ length: Math.min(batchSize, count - done) }, () =>
        queue.submit(form(project.slug)),
      );
      const outcomes = await Promise.all(batch);
      for (const o of outcomes) if (o.kind !== 'created') throw new Error(`form: ${o.kind}`);
    }
  };
  const stored = () =>
    (handle.sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n;
  return { handle, run, stored };
}

const runId = Date.now().toString(36);
let n = 0;
function form(slug: string) {
  n++;
  return {
    slug,
    body: {
      name: `Bench Person ${n}`,
      email: `bench.${runId}.${n}@example.no`,
      phone: `9${String(n % 10_000_000).padStart(7, '0')}`,
      message: 'Hei! Jeg vil gjerne vite mer om prosjektet.',
      marketingEmail: n % 2 === 0,
      marketingSms: n % 5 === 0,
    },
    idempotencyKey: `bench-${runId}-${n}`,
    source: 'website_form' as const,
    baseUrl: 'http://127.0.0.1:1',
    meta: { requestId: `r${n}`, ip: '127.0.0.1', userAgent: 'bench' },
  };
}

const cpuOf = (used: NodeJS.CpuUsage) => used.user + used.system;

try {
  if (args.ab !== undefined) {
    // Two databases in this one process, B with `--ab` SQL applied; batches alternate
    // between them, so the machine's load (and the JIT's state) hits both alike.
    const a = await setUp('a', args['after-seed'], false);
    const b = await setUp('b', `${args['after-seed'] ?? ''};${args.ab}`, false);
    await a.run(warmup);
    await b.run(warmup);
    const spent = { a: 0, b: 0 };
    for (let done = 0; done < forms; done += batchSize) {
      const size = Math.min(batchSize, forms - done);
      // Which goes first alternates too: the second of a pair runs on a warmer cache.
      const order = (done / batchSize) % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
      for (const which of order) {
        const cpu = process.cpuUsage();
        await (which === 'a' ? a : b).run(size);
        spent[which] += cpuOf(process.cpuUsage(cpu));
      }
    }
    const storedA = a.stored();
    const storedB = b.stored();
    a.handle.close();
    b.handle.close();
    console.log(
      `forms ${forms} each (batches of ${batchSize}, alternated): A ${(spent.a / forms).toFixed(0)} µs/form, ` +
        `B ${(spent.b / forms).toFixed(0)} µs/form, B − A ${((spent.b - spent.a) / forms).toFixed(0)} µs ` +
        `(${((100 * (spent.b - spent.a)) / spent.a).toFixed(1)} %), leads ${storedA}/${storedB}`,
    );
  } else {
    const one = await setUp('bench', args['after-seed'], count);
    await one.run(warmup);
    statements = 0;
    byStatement.clear();
    const session = args.profile ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await one.run(forms);
    const used = process.cpuUsage(cpu);
    const wallMs = performance.now() - wall;
    if (session && args.profile) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(args.profile, JSON.stringify(profile));
      session.disconnect();
    }
    const stored = one.stored();
    one.handle.close();
    console.log(
      `forms ${forms} (batches of ${batchSize}): CPU ${(cpuOf(used) / forms).toFixed(0)} µs/form ` +
        `(user ${(used.user / forms).toFixed(0)}, system ${(used.system / forms).toFixed(0)}), ` +
        `wall ${((wallMs * 1000) / forms).toFixed(0)} µs/form${count ? `, statements ${(statements / forms).toFixed(2)}/form` : ''}, leads ${stored}`,
    );
    if (byStatement.size > 0) {
      console.log(
        'per form: calls   µs  statement (CPU time inside the driver, triggers included)',
      );
      for (const [source, seen] of [...byStatement].sort((x, y) => y[1].us - x[1].us))
        console.log(
          `${(seen.calls / forms).toFixed(2).padStart(6)} ${(seen.us / forms).toFixed(1).padStart(6)}  ${source.replace(/\s+/g, ' ').slice(0, 200)}`,
        );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
