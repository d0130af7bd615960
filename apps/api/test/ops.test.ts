import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { appendAccessLog, migrateDatabase, openDatabase, schema, verifyAccessLog } from '@mg/db';
import { copyDatabase } from '@mg/db/backup-copy';
import { createTestDatabase, seedFixture, testTempDir } from '@mg/db/testing';
import { count, eq } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadEnv, publicBaseUrl } from '../src/env';
import { backupDatabaseInWorker, dailyBackup, scheduleDailyBackup } from '../src/jobs/backup';
import { createOutboxWorker } from '../src/jobs/outbox';
import {
  backupDatabase,
  dailyBackupName,
  pidFileOf,
  RestoreRefused,
  restoreDatabase,
  writePidFile,
} from '../src/lib/backup';
import type { Mailer } from '../src/lib/mail';
import { cookieFor, postJson, publicApp, validLead } from './public-helpers';

const dirOf = () => testTempDir('mg-ops-test-');

describe('links come from configuration only', () => {
  it('refuses to start in production without PUBLIC_URL', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: required in production/);
    expect(
      loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://leads.example.no' }).PUBLIC_URL,
    ).toBe('https://leads.example.no');
    expect(() => loadEnv({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
  });

  it('without PUBLIC_URL uses the listening address', () => {
    expect(publicBaseUrl(loadEnv({ HOST: '127.0.0.1', PORT: '4000' }))).toBe(
      'http://127.0.0.1:4000',
    );
    expect(publicBaseUrl(loadEnv({ HOST: '0.0.0.0', PORT: '4000' }))).toBe('http://localhost:4000');
    expect(publicBaseUrl(loadEnv({ PUBLIC_URL: 'https://leads.example.no/' }))).toBe(
      'https://leads.example.no',
    );
  });

  it.each([
    [
      'without PUBLIC_URL',
      { PUBLIC_URL: undefined, HOST: '127.0.0.1', PORT: '4321' },
      'http://127.0.0.1:4321',
    ],
    ['with PUBLIC_URL', {}, 'https://leads.example.no'],
  ])('a Host header cannot change the links in mail (%s)', async (_name, env, base) => {
    // publicApp sets a PUBLIC_URL unless told otherwise (undefined removes it).
    const t = publicApp(env as Record<string, string>);
    const res = await t.app.request('http://evil.example/api/intake/alfa-park', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
      },
      body: JSON.stringify(validLead({ marketingEmail: true })),
    });
    expect(res.status).toBe(201);
    const mails = t.handle.db.select().from(schema.outbox).all();
    // The subsidiary's notice and the consumer's receipt with its unsubscribe link.
    expect(mails.map((m) => m.kind).sort()).toHaveLength(2);
    expect(JSON.stringify(mails)).toContain(`${base}/unsubscribe/`);
    const text = JSON.stringify(mails);
    expect(text).not.toContain('evil.example');
    for (const mail of mails) expect(`${mail.body}${mail.headers ?? ''}`).toContain(`${base}/`);
  });
});

describe('Cache-Control: no-store on answers and downloads with personal data', () => {
  it('on tRPC answers, intake answers, errors and CSV exports', async () => {
    const t = publicApp();
    const cookie = cookieFor(t.handle, t.f.users.privacy_officer);
    const headers = { cookie, 'sec-fetch-site': 'same-origin' };
    const answers = await Promise.all([
      t.app.request('/trpc/auth.me', { headers }),
      t.app.request('/trpc/lead.list?input=%7B%7D', { headers }),
      t.app.request('/trpc/no.such.procedure', { headers }),
      postJson(t.app, 'alfa-park', validLead()),
      postJson(t.app, 'alfa-park', { name: '' }),
      t.app.request('/api/exports/audience.csv?purpose=marketing_email', { headers }),
      t.app.request('/api/exports/leads.csv?columns=id,name&purpose=follow_up', {
        headers: { ...headers, cookie: cookieFor(t.handle, t.f.users.admin) },
      }),
      t.app.request('/api/exports/leads.csv'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 201, 400, 200, 200, 401]);
    for (const res of answers) expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

/** A database with some leads' worth of access-log rows, as the app writes them. */
function busyDatabase(rows = 50) {
  const handle = createTestDatabase();
  seedFixture(handle);
  const write = (n: number) =>
    handle.db.transaction((tx) => {
      for (let i = 0; i < n; i++)
        appendAccessLog(tx, { action: 'test.write', outcome: 'ok', purpose: 'security' });
    });
  write(rows);
  return { handle, write };
}

const logRows = (file: string) => {
  const h = openDatabase(file);
  try {
    return h.db.select({ n: count() }).from(schema.accessLog).get()?.n ?? 0;
  } finally {
    h.close();
  }
};

describe('backup and restore', () => {
  // The backup while another process writes is in e2e/tests/fault.spec.ts (the built CLI
  // against the running server).
  it('a backup is private, complete, and restores into a database that verifies', async () => {
    const { handle, write } = busyDatabase();
    const dir = dirOf();
    const file = join(dir, 'backup.db');
    // Not yet checkpointed: the backup must include what is still in the WAL.
    write(30);
    await backupDatabase(handle.sqlite, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const target = join(dir, 'restored.db');
    const { entries } = restoreDatabase(file, target);
    expect(entries).toBe(logRows(file));
    expect(entries).toBeGreaterThan(50);
    const restored = openDatabase(target);
    expect(restored.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(verifyAccessLog(restored.db).ok).toBe(true);
    restored.close();
  });

  it('refuses a running server’s database, and leaves it untouched', async () => {
    const { handle } = busyDatabase();
    const dir = dirOf();
    const file = join(dir, 'backup.db');
    await backupDatabase(handle.sqlite, file);
    const target = join(dir, 'live.db');
    const live = openDatabase(target);
    migrateDatabase(live);
    live.close();
    writePidFile(target);
    expect(() => restoreDatabase(file, target)).toThrow(RestoreRefused);
    expect(() => restoreDatabase(file, target)).toThrow(/running on/);
    expect(logRows(target)).toBe(0);
    // A pid file left by a killed server names no live process: restore goes ahead.
    writeFileSync(pidFileOf(target), '999999999\n');
    expect(restoreDatabase(file, target).previous).toMatch(/live\.db\.before-restore-/);
    expect(logRows(target)).toBe(logRows(file));
  });

  it('refuses a backup whose access log is broken, or that is not a database', async () => {
    const { handle } = busyDatabase();
    const dir = dirOf();
    const file = join(dir, 'backup.db');
    await backupDatabase(handle.sqlite, file);
    const tampered = openDatabase(file);
    // Someone with the file in hand: the append-only triggers do not stop them.
    const triggers = tampered.sqlite
      .prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'access_log'")
      .pluck()
      .all() as string[];
    for (const name of triggers) tampered.sqlite.exec(`drop trigger "${name}"`);
    tampered.db
      .update(schema.accessLog)
      .set({ action: 'changed' })
      .where(eq(schema.accessLog.id, 3))
      .run();
    tampered.close();
    const target = join(dir, 'target.db');
    expect(() => restoreDatabase(file, target)).toThrow(/access log is broken/);
    expect(existsSync(target)).toBe(false);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all, but long enough to look like a header...');
    expect(() => restoreDatabase(junk, target)).toThrow();
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('tmp'))).toEqual([]);
  });

  it('copies one snapshot in synced steps while the app goes on writing', async () => {
    const { handle, write } = busyDatabase(400);
    const dir = dirOf();
    const file = join(dir, 'stepped.db');
    const atStart = logRows(handle.sqlite.name);
    const syncs: number[] = [];
    // A page per step, and between every two steps the app writes through its own connection.
    const copied = await copyDatabase(handle.sqlite.name, file, {
      stepBytes: 1,
      sync: (fd) => {
        syncs.push(fd);
        write(5);
      },
    });
    // The writes went on during the copy, and the copy is the snapshot it started from.
    expect(logRows(handle.sqlite.name)).toBe(atStart + 5 * syncs.length);
    expect(syncs.length).toBeGreaterThan(10);
    expect(logRows(file)).toBe(atStart);
    const backup = openDatabase(file);
    try {
      expect(backup.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(verifyAccessLog(backup.db).ok).toBe(true);
    } finally {
      backup.close();
    }
    // Synced after every step and once at the end, always the copy's own file.
    expect(copied.steps).toBeGreaterThanOrEqual(copied.pages - 1);
    expect(syncs).toHaveLength(copied.steps + 1);
    expect(new Set(syncs).size).toBe(1);
  });

  it('a copy that cannot open its source leaves nothing behind', async () => {
    const dir = dirOf();
    await expect(copyDatabase(join(dir, 'missing.db'), join(dir, 'copy.db'))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the server’s backup runs in a worker thread, not the one answering requests', async () => {
    const { handle } = busyDatabase(5);
    const file = join(dirOf(), 'from-worker.db');
    const { threadId: copiedOn } = await backupDatabaseInWorker(handle.sqlite, file);
    expect(copiedOn).not.toBe(threadId);
    expect(logRows(file)).toBe(logRows(handle.sqlite.name));
  });

  it('the daily backup keeps the newest N', async () => {
    const { handle } = busyDatabase(5);
    const dir = dirOf();
    writeFileSync(join(dir, 'unrelated.db'), 'not ours');
    for (let day = 1; day <= 5; day++)
      await dailyBackup(handle.sqlite, dir, 3, new Date(`2026-03-0${day}T01:30:00Z`));
    expect(readdirSync(dir).sort()).toEqual([
      dailyBackupName(new Date('2026-03-03T01:30:00Z')),
      dailyBackupName(new Date('2026-03-04T01:30:00Z')),
      dailyBackupName(new Date('2026-03-05T01:30:00Z')),
      'unrelated.db',
    ]);
  });
});

describe('the daily backup job', () => {
  it('is off without BACKUP_DIR, and writes into it when it runs', async () => {
    const { handle } = busyDatabase(5);
    const log = pino({ level: 'silent' });
    const common = { sqlite: handle.sqlite, keep: 2, pattern: '0 30 2 * * *', log };
    expect(scheduleDailyBackup({ ...common, dir: undefined })).toBeNull();
    const dir = join(dirOf(), 'backups');
    const job = scheduleDailyBackup({ ...common, dir });
    try {
      expect(job?.getPattern()).toBe('0 30 2 * * *');
      await job?.trigger();
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(logRows(join(dir, files[0] ?? ''))).toBe(5);
    } finally {
      job?.stop();
    }
  });
});

describe('shutdown', () => {
  it('releases the outbox claims of a batch that does not finish in time', async () => {
    const t = publicApp();
    await postJson(t.app, 'alfa-park', validLead());
    const pending = () =>
      t.handle.db.select().from(schema.outbox).where(eq(schema.outbox.status, 'pending')).all();
    expect(pending().length).toBeGreaterThan(0);
    let release: () => void = () => {};
    const mailer: Mailer = {
      kind: 'files',
      send: () => new Promise<void>((resolve) => (release = resolve)),
      close() {},
    };
    const worker = createOutboxWorker({ db: t.handle.db, mailer, log: pino({ level: 'silent' }) });
    worker.kick();
    await new Promise((r) => setTimeout(r, 20));
    // Claimed: leased minutes ahead.
    expect(pending().every((m) => m.nextAttemptAt > Date.now() + 60_000)).toBe(true);
    const before = Date.now();
    await worker.stop(50);
    const after = pending();
    expect(after.length).toBeGreaterThan(0);
    for (const m of after) expect(m.nextAttemptAt).toBeLessThanOrEqual(Date.now());
    expect(after.every((m) => m.nextAttemptAt >= before)).toBe(true);
    release();
  });
});
