import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { ROOT, withDatabase } from './database';

/**
 * Fault tests against the built server (apps/api/dist), no browser: each starts its own
 * server on a free port and a fresh database, and breaks it the way real life does.
 */

const MAIN = join(ROOT, 'apps/api/dist/main.js');
const CLI = join(ROOT, 'apps/api/dist/cli.js');
const run = promisify(execFile);

test.describe.configure({ mode: 'serial' });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function serverEnv(dir: string, port: number) {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_PATH: join(dir, 'app.db'),
    OUTBOX_DIR: join(dir, 'outbox'),
    DEMO_DATA: 'true',
    DEMO_LEADS: '20',
    LOG_LEVEL: 'warn',
    INTAKE_RATE_LIMIT: '100000',
  };
}

async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function openSlug(file: string): string {
  const row = withDatabase(
    file,
    (db) =>
      db
        .prepare(
          `select p.slug from projects p join subsidiaries s on s.id = p.subsidiary_id
           where p.status in ('planning', 'pre_sale', 'on_sale') and s.active = 1 limit 1`,
        )
        .get() as { slug: string } | undefined,
  );
  if (!row) throw new Error('the demo data has no project open for intake');
  return row.slug;
}

/** One intake post; the lead id when it was stored (201), else null. */
async function postLead(base: string, slug: string, i: number): Promise<number | null> {
  try {
    const res = await fetch(`${base}/api/intake/${slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Feil Test ${i}`,
        email: `fault.${i}.${Date.now()}@example.no`,
        phone: `9${String(1_000_000 + i).slice(-7)}`,
        message: 'Kill -9 test',
        marketingEmail: true,
      }),
    });
    if (res.status !== 201) return null;
    return ((await res.json()) as { id: number }).id;
  } catch {
    return null; // the connection died with the server
  }
}

/** Everything an intake writes must be there for each lead, and nothing for anything else. */
function checkLeads(file: string, ids: number[]) {
  withDatabase(file, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const missing = (sql: string) =>
      ids.filter((id) => db.prepare(sql).get(id) === undefined).length;
    expect(missing('select 1 from leads where id = ?')).toBe(0);
    expect(missing('select 1 from consent_events where lead_id = ?')).toBe(0);
    expect(missing('select 1 from disclosures where lead_id = ?')).toBe(0);
    expect(
      missing(`select 1 from access_log_targets where target_type = 'lead' and target_id = ?`),
    ).toBe(0);
    // The subsidiary's notice of each answered lead is in the outbox (pending or sent): mail
    // is sent by a worker thread after the commit, and a kill loses none of it.
    expect(missing(`select 1 from outbox where lead_id = ? and kind = 'lead_notification'`)).toBe(
      0,
    );
    // Nothing half-written: no lead of the load lacks its disclosure, consent or log entry.
    const half = db
      .prepare(
        `select l.id from leads l where l.message = 'Kill -9 test' and (
         not exists (select 1 from disclosures d where d.lead_id = l.id)
         or not exists (select 1 from consent_events c where c.lead_id = l.id)
         or not exists (select 1 from access_log_targets t
                        where t.target_type = 'lead' and t.target_id = l.id))`,
      )
      .all();
    expect(half).toEqual([]);
  });
}

test('kill -9 during an intake load loses no answered lead and leaves nothing half-written', async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'mg-fault-'));
  try {
    const env = serverEnv(dir, await freePort());
    const base = `http://127.0.0.1:${env.PORT}`;
    const server = await startServer(env);
    const slug = openSlug(env.DATABASE_PATH);

    // Hundreds of posts in flight; the server dies under them once some have been answered.
    const stored: number[] = [];
    const posts = Array.from({ length: 600 }, (_, i) =>
      postLead(base, slug, i).then((id) => {
        if (id !== null) stored.push(id);
      }),
    );
    while (stored.length < 50) await new Promise((r) => setTimeout(r, 5));
    server.kill('SIGKILL');
    await Promise.all(posts);
    await exited(server);
    expect(stored.length).toBeGreaterThanOrEqual(50);
    expect(stored.length).toBeLessThan(600);

    // Restart on the same database: it opens, recovers its WAL and serves.
    const again = await startServer(env);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    again.kill('SIGTERM');
    expect(await exited(again)).toBe(0);

    checkLeads(env.DATABASE_PATH, stored);
    const verified = await run(process.execPath, [CLI, 'verify-audit'], { env });
    expect(verified.stdout).toMatch(/access log OK/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a backup taken during writes restores to a database that opens, migrates and verifies; restore refuses a running server', async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'mg-fault-'));
  try {
    const env = serverEnv(dir, await freePort());
    const base = `http://127.0.0.1:${env.PORT}`;
    const server = await startServer(env);
    const slug = openSlug(env.DATABASE_PATH);

    let writing = true;
    let posted = 0;
    const load = (async () => {
      while (writing) {
        await Promise.all(Array.from({ length: 20 }, (_, i) => postLead(base, slug, posted + i)));
        posted += 20;
      }
    })();
    while (posted < 100) await new Promise((r) => setTimeout(r, 10));
    const backup = join(dir, 'backup.db');
    const taken = await run(process.execPath, [CLI, 'backup', backup], { env });
    expect(taken.stdout).toMatch(/backup written/);
    const postedDuringBackup = posted;

    // The running server's database cannot be restored over.
    const refused = await run(process.execPath, [CLI, 'restore', backup], { env }).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/restore refused: a server \(pid \d+\) is running/);
    writing = false;
    await load;
    expect(posted).toBeGreaterThan(postedDuringBackup - 1);

    // Into a fresh place: the restore checks integrity and the chain, then it migrates and
    // verifies again through the CLI, and a server starts on it.
    const restoredEnv = { ...serverEnv(dir, await freePort()), DATABASE_PATH: join(dir, 'r.db') };
    const restored = await run(process.execPath, [CLI, 'restore', backup], { env: restoredEnv });
    expect(restored.stdout).toMatch(/access-log entries verified/);
    expect((await run(process.execPath, [CLI, 'migrate'], { env: restoredEnv })).stdout).toMatch(
      /migrations applied/,
    );
    expect(
      (await run(process.execPath, [CLI, 'verify-audit'], { env: restoredEnv })).stdout,
    ).toMatch(/access log OK/);
    const second = await startServer(restoredEnv);
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);

    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM lets a request in flight finish, refuses new ones, checkpoints the WAL and exits 0', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'mg-fault-'));
  try {
    const env = serverEnv(dir, await freePort());
    const base = `http://127.0.0.1:${env.PORT}`;
    const server = await startServer(env);
    const slug = openSlug(env.DATABASE_PATH);
    expect(existsSync(`${env.DATABASE_PATH}.pid`)).toBe(true);

    // A slow upload: the first half of the body now, the rest after the signal.
    const body = new TextEncoder().encode(
      JSON.stringify({
        name: 'Sakte Opplasting',
        email: `slow.${Date.now()}@example.no`,
        phone: '91234567',
        message: 'SIGTERM test',
        marketingEmail: true,
      }),
    );
    let finish: () => void = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(body.slice(0, 20));
        finish = () => {
          controller.enqueue(body.slice(20));
          controller.close();
        };
      },
    });
    const answer = fetch(`${base}/api/intake/${slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 500));
    const stopping = exited(server);
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    // No new connections once stopping.
    const late = await fetch(`${base}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(late).toBe('refused');
    finish();
    const res = await answer;
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    expect(await stopping).toBe(0);

    // The WAL was folded into the database and the pid file removed.
    expect(existsSync(`${env.DATABASE_PATH}.pid`)).toBe(false);
    const wal = `${env.DATABASE_PATH}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    checkLeads(env.DATABASE_PATH, [id]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
