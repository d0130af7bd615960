/**
 * Verifying the access log at a million entries.
 *
 *   pnpm --filter @mg/bench run audit [-- --entries 1000000 --keep] [-- --dir <a kept folder>]
 *
 * Builds a SQLite file in a temporary folder holding --entries chained access-log entries
 * with a realistic mix of target ids (mostly intake and detail views with one to three lead
 * ids, some grid pages and audit reads with fifty, logins, anonymous-denial sums with none),
 * written the way appendAccessLog writes them (same hash, chain version 2, target rows right
 * after their entry; a log kept from before decision 035, given by --dir, holds version 1
 * entries and measures the old way of checking target rows). Then it builds the API bundle
 * and measures a full verification (chain, hashes, target rows, anchors) by
 * `node apps/api/dist/cli.js verify-audit` (split into ranges, one per core: worker threads
 * and, for the last range, the CLI's own thread, decision 048; process start included), the same check in this process with its CPU time over all
 * threads and each worker thread's own CPU time per entry (what load distorts least), from
 * the API, the walk on one thread, and an incremental check from an anchor near the head.
 * Goal: full verify in the CLI >= 300,000 entries/s (wall time, best of 3); exits 1 when missed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GENESIS_HASH, hashEntry, migrateDatabase, openDatabase } from '@mg/db';
import type { RangeCheck } from '@mg/db/audit-verify';
import { checkAuditLogFile, checkAuditLogOffThread } from '../../apps/api/src/jobs/audit-verify';
import { type AnchorConfig, appendAnchor, signAnchor } from '../../apps/api/src/lib/audit-anchors';
import { type AuditCheck, checkAuditLog } from '../../apps/api/src/lib/audit-check';

const { values: args } = parseArgs({
  // pnpm passes the `--` separator through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    entries: { type: 'string', default: '1000000' },
    keep: { type: 'boolean', default: false },
    // A folder kept by an earlier run (--keep): its log is measured again, not regenerated.
    dir: { type: 'string' },
  },
});
const ENTRIES = Math.max(10_000, Number(args.entries));
const GOAL = 300_000;
const CHUNK = 50_000;
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

// ------------------------------------------------------------------ the database

const dir = args.dir ?? mkdtempSync(join(tmpdir(), 'mg-bench-audit-'));
const file = join(dir, 'audit.db');
const reuse = args.dir !== undefined && existsSync(file);
console.log(
  `\nMG Leads: access-log verification benchmark (${ENTRIES.toLocaleString('en')} entries)`,
);
console.log(`database: ${file}\n`);
const handle = openDatabase(file);
migrateDatabase(handle);
const { sqlite } = handle;

// A fixed pseudo-random sequence, so runs are comparable.
let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const leadIds = (n: number) => Array.from({ length: n }, () => 1 + rnd(1_000_000));
const uuid = () =>
  `${rnd(0xfffffff).toString(16).padStart(8, '0')}-4${rnd(0xfff).toString(16).padStart(3, '0')}-8${rnd(0xfff).toString(16).padStart(3, '0')}-${rnd(0xfffffff).toString(16).padStart(12, '0')}`;

type Kind = {
  share: number;
  make: (id: number) => {
    actorUserId: number | null;
    actorRole: string | null;
    action: string;
    purpose: string;
    targetType: string | null;
    ids: number[] | null;
    outcome: 'ok' | 'denied';
    ip: string | null;
    userAgent: string | null;
    detail: Record<string, unknown> | null;
  };
};
const staff = () => ({
  actorUserId: 1 + rnd(200),
  actorRole: 'subsidiary_user',
  ip: `10.0.${rnd(255)}.${rnd(255)}`,
  userAgent: UA,
});
/** The mix: shares sum to 1. Mean about 4.5 target ids per entry. */
const KINDS: Kind[] = [
  {
    share: 0.6,
    make: () => ({
      actorUserId: null,
      actorRole: null,
      action: 'intake.create',
      purpose: 'intake',
      targetType: 'lead',
      ids: leadIds(1),
      outcome: 'ok',
      ip: null,
      userAgent: null,
      detail: { projectId: 1 + rnd(300), source: 'form' },
    }),
  },
  {
    share: 0.22,
    make: () => {
      const related = rnd(3);
      return {
        ...staff(),
        action: 'lead.byId',
        purpose: 'follow_up',
        targetType: 'lead',
        ids: leadIds(1 + related),
        outcome: 'ok',
        detail: { related },
      };
    },
  },
  {
    share: 0.05,
    make: () => ({
      ...staff(),
      action: 'lead.list',
      purpose: 'follow_up',
      targetType: 'lead',
      ids: leadIds(50),
      outcome: 'ok',
      detail: {
        filters: ['status'],
        searched: false,
        sort: 'createdAt',
        dir: 'desc',
        page: 'first',
      },
    }),
  },
  {
    share: 0.02,
    make: (id) => ({
      ...staff(),
      actorRole: 'auditor',
      action: 'audit.list',
      purpose: 'audit',
      targetType: 'access_log',
      ids: Array.from({ length: 50 }, (_, i) => Math.max(1, id - 1 - i)),
      outcome: 'ok',
      detail: { filters: [] },
    }),
  },
  {
    share: 0.06,
    make: () => {
      const s = staff();
      return {
        ...s,
        action: 'auth.login',
        purpose: 'security',
        targetType: 'user',
        ids: [s.actorUserId],
        outcome: 'ok',
        detail: null,
      };
    },
  },
  {
    share: 0.03,
    make: () => ({
      actorUserId: null,
      actorRole: null,
      action: 'anonymous.denied',
      purpose: 'security',
      targetType: null,
      ids: null,
      outcome: 'denied',
      ip: `203.0.113.${rnd(255)}`,
      userAgent: 'curl/8.5.0',
      detail: { count: 1 + rnd(500), minute: '2026-12-01T12:00:00.000Z', actions: ['lead.list'] },
    }),
  },
  {
    share: 0.02,
    make: () => ({
      ...staff(),
      action: 'lead.updateStatus',
      purpose: 'follow_up',
      targetType: 'lead',
      ids: leadIds(1),
      outcome: 'ok',
      detail: { status: 'contacted' },
    }),
  },
];
const pick = () => {
  let r = rnd(10_000) / 10_000;
  for (const kind of KINDS) {
    r -= kind.share;
    if (r < 0) return kind;
  }
  return KINDS[0] as Kind;
};

console.log('generating …');
const genStart = performance.now();
// Bulk load without the secondary indexes, then build them once: what the log looks like
// after years of appends, made in a minute instead of an hour.
const indexes = sqlite
  .prepare(
    "select sql from sqlite_master where type = 'index' and tbl_name in ('access_log', 'access_log_targets') and sql is not null",
  )
  .pluck()
  .all() as string[];
for (const ddl of reuse ? [] : indexes) {
  const name = /INDEX\s+[`"]?([\w]+)/i.exec(ddl)?.[1];
  if (name) sqlite.exec(`drop index ${name}`);
}
sqlite.pragma('synchronous = OFF');
const insertEntry = sqlite.prepare(
  `insert into access_log (id, prev_hash, at, actor_user_id, actor_role, action, purpose, target_type,
     target_ids, target_count, outcome, request_id, ip, user_agent, detail, hash, targets_after)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertTarget = sqlite.prepare(
  'insert into access_log_targets (entry_id, target_type, target_id) values (?, ?, ?)',
);
let prevHash = GENESIS_HASH;
let at = Date.UTC(2024, 0, 1);
let targetRows = reuse
  ? (sqlite.prepare('select count(*) from access_log_targets').pluck().get() as number)
  : 0;
const fill = sqlite.transaction((from: number, to: number) => {
  for (let id = from; id < to; id++) {
    at += rnd(60_000);
    const e = pick().make(id);
    const fields = {
      id,
      prevHash,
      at,
      actorUserId: e.actorUserId,
      actorRole: e.actorRole,
      action: e.action,
      purpose: e.purpose,
      targetType: e.targetType,
      targetIds: e.ids ? JSON.stringify(e.ids) : null,
      targetCount: e.ids ? e.ids.length : null,
      outcome: e.outcome,
      requestId: uuid(),
      ip: e.ip,
      userAgent: e.userAgent,
      detail: e.detail ? JSON.stringify(e.detail) : null,
      // Chain version 2 (decision 035), as appendAccessLog writes it: the last target row
      // before this entry's own (rows are numbered 1, 2, … here).
      targetsAfter: targetRows,
    };
    const hash = hashEntry(fields);
    insertEntry.run(
      id,
      prevHash,
      at,
      fields.actorUserId,
      fields.actorRole,
      fields.action,
      fields.purpose,
      fields.targetType,
      fields.targetIds,
      fields.targetCount,
      fields.outcome,
      fields.requestId,
      fields.ip,
      fields.userAgent,
      fields.detail,
      hash,
      fields.targetsAfter,
    );
    if (e.ids && e.targetType)
      for (const target of e.ids) {
        insertTarget.run(id, e.targetType, target);
        targetRows++;
      }
    prevHash = hash;
  }
});
if (reuse) {
  const n = sqlite.prepare('select count(*) from access_log').pluck().get();
  if (n !== ENTRIES) throw new Error(`${file} holds ${n} entries, not --entries ${ENTRIES}`);
} else for (let id = 1; id <= ENTRIES; id += CHUNK) fill(id, Math.min(ENTRIES + 1, id + CHUNK));
if (!reuse) for (const ddl of indexes) sqlite.exec(ddl);
sqlite.pragma('synchronous = NORMAL');
sqlite.pragma('wal_checkpoint(TRUNCATE)');
const genSeconds = (performance.now() - genStart) / 1000;
const sizeMb = statSync(file).size / 1024 / 1024;
console.log(
  `generated ${ENTRIES.toLocaleString('en')} entries, ${targetRows.toLocaleString('en')} target rows ` +
    `(${(targetRows / ENTRIES).toFixed(1)} per entry) in ${genSeconds.toFixed(1)} s (${sizeMb.toFixed(0)} MB)\n`,
);

const ANCHOR_KEY = 'bench-anchor-key-'.repeat(4);
// Anchors: one a day's worth of entries before the head, as the nightly job leaves them.
const config: AnchorConfig = {
  key: Buffer.from(ANCHOR_KEY),
  anchorsFile: join(dir, 'anchors.jsonl'),
};
const anchorAt = (id: number) => {
  const row = sqlite.prepare('select id, hash, at from access_log where id = ?').get(id) as {
    id: number;
    hash: string;
    at: number;
  };
  appendAnchor(config, signAnchor(config.key, row, Date.now()));
};
if (!reuse) {
  anchorAt(Math.floor(ENTRIES / 2));
  anchorAt(ENTRIES - 10_000);
}

// ------------------------------------------------------------------ measuring

interface Row {
  name: string;
  check: AuditCheck;
  ms: number;
  /** Entries per CPU-second over all threads of the process (the workers' too). */
  cpuRate: number;
}
const rows: Row[] = [];
/**
 * Wall time decides the goal. CPU time is printed beside it: on a machine shared with other
 * work, wall time says how busy the machine was; CPU time says what a free core would do.
 */
async function measure(name: string, run: () => AuditCheck | Promise<AuditCheck>) {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const check = await run();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  if (!check.ok) throw new Error(`${name}: the generated log does not verify (${check.reason})`);
  const cpuRate = (check.checked * 1e6) / Math.max(1, cpu.user + cpu.system);
  rows.push({ name, check, ms, cpuRate });
  const rate = (check.checked * 1000) / ms;
  console.log(
    `  ${name.padEnd(34)} ${check.checked.toLocaleString('en').padStart(10)} entries ` +
      `${ms.toFixed(0).padStart(6)} ms  ${Math.round(rate).toLocaleString('en').padStart(9)} entries/s` +
      `  ${Math.round(cpuRate).toLocaleString('en').padStart(9)} per CPU-second`,
  );
  return rate;
}

// Warm the page cache once, so the runs compare verification and not the disk.
sqlite.prepare('select count(*), sum(length(hash)) from access_log').get();
sqlite.prepare('select count(*), sum(target_id) from access_log_targets').get();

// The CLI as operators run it: the production bundle, whose worker threads load the bundled
// worker. (From source, every thread would first spend seconds of CPU in tsx compiling @mg/db.)
const apiDir = fileURLToPath(new URL('../../apps/api/', import.meta.url));
execFileSync(process.execPath, ['build.mjs'], { cwd: apiDir, stdio: 'inherit' });
const bundledWorker = pathToFileURL(join(apiDir, 'dist/audit-verify-worker.js'));
const cliEnv = {
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_PATH: file,
  AUDIT_ANCHOR_KEY: ANCHOR_KEY,
  AUDIT_ANCHORS_FILE: config.anchorsFile,
};

/**
 * CPU time of the child processes this process has waited for, in ms (Linux: cutime and
 * cstime in /proc/self/stat, in clock ticks of 10 ms): what a CLI run cost over all its threads.
 */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5), counted from the state (field 3) here.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

function runCli(env: NodeJS.ProcessEnv): { out: string; ms: number; cpuMs: number } {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const out = execFileSync(process.execPath, [join(apiDir, 'dist/cli.js'), 'verify-audit'], {
    env,
    encoding: 'utf8',
  });
  return { out, ms: performance.now() - start, cpuMs: childrenCpuMs() - cpuBefore };
}

// Start-up: the same command on a migrated database with an empty log (process, env, the
// anchors, one worker thread): what every full check pays before it reads an entry.
const emptyFile = join(dir, 'empty.db');
const empty = openDatabase(emptyFile);
migrateDatabase(empty);
empty.close();
const startups: { ms: number; cpuMs: number }[] = [];
for (let i = 0; i < 3; i++) {
  const run = runCli({
    ...cliEnv,
    DATABASE_PATH: emptyFile,
    AUDIT_ANCHORS_FILE: join(dir, 'empty-anchors.jsonl'),
  });
  if (!run.out.includes('access log OK: 0 entries')) throw new Error(`cli start-up: ${run.out}`);
  startups.push(run);
  console.log(
    `  ${`start-up (CLI, empty log, run ${i + 1})`.padEnd(34)} ${''.padStart(18)} ` +
      `${run.ms.toFixed(0).padStart(6)} ms  ${run.cpuMs.toFixed(0).padStart(6)} ms CPU`,
  );
}

const threads = Math.min(8, availableParallelism());
const fullRates: number[] = [];
const fullCliCpuRates: number[] = [];
for (let i = 0; i < 3; i++) {
  const { out, ms, cpuMs } = runCli(cliEnv);
  if (!out.includes(`access log OK: ${ENTRIES} entries verified`))
    throw new Error(`cli verify-audit: ${out}`);
  const rate = (ENTRIES * 1000) / ms;
  fullRates.push(rate);
  fullCliCpuRates.push((ENTRIES * 1000) / cpuMs);
  console.log(
    `  ${`full (CLI process, ${threads} threads, run ${i + 1})`.padEnd(34)} ` +
      `${ENTRIES.toLocaleString('en').padStart(10)} entries ${ms.toFixed(0).padStart(6)} ms  ` +
      `${Math.round(rate).toLocaleString('en').padStart(9)} entries/s  ` +
      `${Math.round((ENTRIES * 1000) / cpuMs)
        .toLocaleString('en')
        .padStart(9)} per CPU-second ` +
      `(process start included)`,
  );
}
/** Each worker thread's own CPU time per entry checked (the figure load distorts least). */
const threadRuns: { entries: number; cpuMs: number }[] = [];
const onRange = (range: RangeCheck, cpuMs: number | null) => {
  if (cpuMs !== null && cpuMs > 0) threadRuns.push({ entries: range.checked, cpuMs });
};
for (let i = 0; i < 2; i++)
  await measure(`full (CLI's check in process, run ${i + 1})`, () =>
    checkAuditLogFile(file, config, 'full', { bundledWorker, onRange, inThisThread: true }),
  );
for (const [k, run] of threadRuns.entries())
  console.log(
    `  ${`  worker thread ${k + 1}`.padEnd(34)} ${run.entries.toLocaleString('en').padStart(10)} entries ` +
      `${run.cpuMs.toFixed(0).padStart(6)} ms CPU  ${((run.cpuMs * 1000) / run.entries).toFixed(2)} µs per entry  ` +
      `${Math.round((run.entries * 1000) / run.cpuMs).toLocaleString('en')} per thread-CPU-second`,
  );
await measure('full, from the API (worker threads)', () =>
  checkAuditLogOffThread(handle.db, config, 'full', { bundledWorker }),
);
// For comparison: the whole walk on one thread, and its CPU time (on a machine shared with
// other work, wall time says little; CPU time per entry says what a free core would do).
const cpuBefore = process.cpuUsage();
const oneRate = await measure('full, one thread (in process)', () =>
  checkAuditLog(handle.db, config, 'full'),
);
const cpu = process.cpuUsage(cpuBefore);
const cpuRate = (ENTRIES * 1e6) / (cpu.user + cpu.system);
await measure('incremental from the newest anchor', () =>
  checkAuditLog(handle.db, config, 'incremental'),
);

const best = Math.max(...fullRates);
const worst = Math.min(...fullRates);
const fullCpuRates = rows.filter((r) => r.name.startsWith("full (CLI's")).map((r) => r.cpuRate);
const fullCpuRate = Math.max(...fullCpuRates);
const verdict = best >= GOAL ? 'ok' : 'MISSED';
console.log('\nSummary');
console.log(
  `  full verify (CLI): ${Math.round(best).toLocaleString('en')} entries/s best of 3 ` +
    `(worst ${Math.round(worst).toLocaleString('en')}; ${threads} threads; ` +
    `${Math.round((best * targetRows) / ENTRIES).toLocaleString('en')} target rows/s)  ` +
    `goal >= ${GOAL.toLocaleString('en')}/s  ${verdict}`,
);
console.log(
  `  full verify (CLI) in CPU time: ${Math.round(fullCpuRate).toLocaleString('en')} entries per ` +
    `CPU-second over all threads (x ${threads} free cores = ` +
    `${Math.round(fullCpuRate * threads).toLocaleString('en')}/s; load average now ` +
    `${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
);
console.log(
  `  one thread: ${Math.round(oneRate).toLocaleString('en')} entries/s wall, ` +
    `${Math.round(cpuRate).toLocaleString('en')} entries per CPU-second ` +
    `(x ${threads} threads = ${Math.round(cpuRate * threads).toLocaleString('en')}/s on free cores)`,
);
const bestThread = threadRuns.reduce<{ entries: number; cpuMs: number } | null>(
  (a, b) => (a === null || b.cpuMs / b.entries < a.cpuMs / a.entries ? b : a),
  null,
);
if (bestThread)
  console.log(
    `  per worker thread (its own CPU time, best of ${threadRuns.length}): ` +
      `${((bestThread.cpuMs * 1000) / bestThread.entries).toFixed(2)} µs per entry = ` +
      `${Math.round((bestThread.entries * 1000) / bestThread.cpuMs).toLocaleString('en')} entries per ` +
      `thread-CPU-second (goal: ${(GOAL / threads).toLocaleString('en')} on each of ${threads} free cores)`,
  );
const bestStartup = startups.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
console.log(
  `  CLI process in CPU time: ${Math.round(Math.max(...fullCliCpuRates)).toLocaleString('en')} ` +
    `entries per CPU-second, start-up included (start-up alone: ${bestStartup.cpuMs.toFixed(0)} ms ` +
    `CPU, ${bestStartup.ms.toFixed(0)} ms wall at best)`,
);
console.log(
  `  generation: ${genSeconds.toFixed(1)} s; database ${sizeMb.toFixed(0)} MB; ` +
    `${(targetRows / ENTRIES).toFixed(1)} target ids per entry`,
);

handle.close();
if (args.keep || args.dir !== undefined) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
if (best < GOAL) process.exitCode = 1;
