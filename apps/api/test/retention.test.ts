import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, schema, setRetentionMonths } from '@mg/db';
import { makeLead } from '@mg/db/testing';
import { addMonths, osloDayStart, retentionCutoff } from '@mg/shared';
import { eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { SYSTEM_SCOPE } from '../src/jobs/retention';
import { OPERATOR } from '../src/lib/access-log';
import { createMailer } from '../src/lib/mail';
import { retentionRun } from '../src/lib/retention-run';
import { outcome, setup } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'mg-retention-'));
  dirs.push(d);
  return d;
}

const SYSTEM = { actor: OPERATOR, request: { requestId: 'test', ip: null, userAgent: null } };

/**
 * Two leads around the boundary for a run on `today` (Oslo) with a 36-month period: one last
 * active at the very start of the Oslo day 36 months back (inside: kept), one a millisecond
 * before it (one day past: anonymised).
 */
function boundary(today: string) {
  const t = setup();
  const boundaryDay = addMonths(today, -36);
  const start = osloDayStart(boundaryDay);
  const ids = t.handle.db.transaction((tx) => {
    setRetentionMonths(tx, 36);
    const p = { id: t.f.projectA, subsidiaryId: t.f.subA };
    const inside = makeLead(tx, p, { name: 'Innenfor Perioden', createdAt: start - 86_400_000 });
    const lateInside = makeLead(tx, p, { name: 'Sent Innenfor', createdAt: start });
    const past = makeLead(tx, p, { name: 'Forbi Perioden', createdAt: start - 86_400_000 });
    const set = (id: number, at: number) =>
      tx.update(schema.leads).set({ lastActivityAt: at }).where(eq(schema.leads.id, id)).run();
    set(inside, start);
    set(lateInside, start + 86_400_000 - 1);
    set(past, start - 1);
    return { inside, lateInside, past };
  });
  return { ...t, ids };
}

const anonymised = (t: ReturnType<typeof setup>, ids: number[]) =>
  t.handle.db
    .select({ id: schema.leads.id })
    .from(schema.leads)
    .where(inArray(schema.leads.id, ids))
    .all()
    .filter(
      (r) =>
        t.handle.db
          .select({ a: schema.leads.anonymisedAt })
          .from(schema.leads)
          .where(eq(schema.leads.id, r.id))
          .get()?.a !== null,
    )
    .map((r) => r.id);

describe('retention', () => {
  // Just after midnight, midday and just before midnight in Oslo, in winter and in summer.
  const times = [
    ['2026-03-15', '2026-03-14T23:05:00Z'],
    ['2026-03-15', '2026-03-15T11:00:00Z'],
    ['2026-03-15', '2026-03-15T22:55:00Z'],
    ['2026-07-01', '2026-06-30T22:05:00Z'],
    ['2026-07-01', '2026-07-01T21:55:00Z'],
  ] as const;
  for (const [today, iso] of times) {
    it(`keeps the lead one day inside, anonymises the one a day past (${iso})`, async () => {
      const t = boundary(today);
      const now = Date.parse(iso);
      const all = [t.ids.inside, t.ids.lateInside, t.ids.past];
      const dir = tempDir();
      const dry = await retentionRun(
        t.handle.db,
        { scope: SYSTEM_SCOPE, dryRun: true, trigger: 'cli', by: SYSTEM, outboxDir: dir },
        now,
      );
      expect(anonymised(t, all)).toEqual([]);
      const real = await retentionRun(
        t.handle.db,
        { scope: SYSTEM_SCOPE, dryRun: false, trigger: 'cli', by: SYSTEM, outboxDir: dir },
        now,
      );
      expect(dry.anonymised).toBe(1);
      expect(real.anonymised).toBe(dry.anonymised);
      expect(anonymised(t, all)).toEqual([t.ids.past]);
      expect(real.cutoffAt).toBe(retentionCutoff(36, now));
    });
  }

  it('counts a legal hold as skipped in the dry run and the real run alike, and keeps history', async () => {
    const t = boundary('2026-03-15');
    await t.as('privacy_officer').lead.setLegalHold({ id: t.ids.past, on: true, reason: 'Tvist' });
    const now = Date.parse('2026-03-15T11:00:00Z');
    const dir = tempDir();
    const run = (dryRun: boolean) =>
      retentionRun(
        t.handle.db,
        { scope: SYSTEM_SCOPE, dryRun, trigger: 'cli', by: SYSTEM, outboxDir: dir },
        now,
      );
    const dry = await run(true);
    const real = await run(false);
    expect([dry.anonymised, dry.skippedLegalHold]).toEqual([0, 1]);
    expect([real.anonymised, real.skippedLegalHold]).toEqual([0, 1]);
    expect(real.skipped).toEqual([{ id: t.ids.past, reason: 'legalHold' }]);
    const history = await t.as('privacy_officer').retention.runs({});
    expect(history.map((h) => [h.dryRun, h.skippedLegalHold])).toEqual([
      [false, 1],
      [true, 1],
    ]);
  });

  it('deletes expired sessions and sent mail (row and .eml) older than 30 days', async () => {
    const t = setup();
    const dir = tempDir();
    const now = Date.now();
    const old = now - 31 * 86_400_000;
    const [oldMail, newMail] = t.handle.db.transaction((tx) =>
      [old, now - 86_400_000].map(
        (sentAt) =>
          tx
            .insert(schema.outbox)
            .values({
              kind: 'notification',
              toAddress: 'x@example.no',
              subject: 's',
              body: '',
              status: 'sent',
              nextAttemptAt: sentAt,
              createdAt: sentAt,
              sentAt,
            })
            .returning({ id: schema.outbox.id })
            .get().id,
      ),
    );
    writeFileSync(join(dir, `2026-01-01T00-00-00-000Z-${oldMail}-abcdef.eml`), 'old');
    writeFileSync(join(dir, `2026-01-01T00-00-00-000Z-${newMail}-abcdef.eml`), 'new');
    t.handle.db
      .insert(schema.sessions)
      .values({
        id: 'stale',
        secretHash: Buffer.alloc(32),
        userId: t.f.users.admin,
        createdAt: old,
        lastActiveAt: old,
      })
      .run();
    const dry = await retentionRun(
      t.handle.db,
      { scope: SYSTEM_SCOPE, dryRun: true, trigger: 'cli', by: SYSTEM, outboxDir: dir },
      now,
    );
    const real = await retentionRun(
      t.handle.db,
      { scope: SYSTEM_SCOPE, dryRun: false, trigger: 'cli', by: SYSTEM, outboxDir: dir },
      now,
    );
    expect([dry.sessionsDeleted, dry.outboxDeleted]).toEqual([1, 1]);
    expect([real.sessionsDeleted, real.outboxDeleted]).toEqual([1, 1]);
    expect(readdirSync(dir)).toEqual([`2026-01-01T00-00-00-000Z-${newMail}-abcdef.eml`]);
    const left = t.handle.db.select({ id: schema.outbox.id }).from(schema.outbox).all();
    expect(left.map((r) => r.id)).toEqual([newMail]);
  });

  it('the page: settings, upcoming leads, runs from the page, refused to other roles', async () => {
    const t = setup();
    const po = t.as('privacy_officer');
    expect(await po.retention.settings()).toEqual({ months: 36 });
    expect(await outcome(po.retention.setMonths({ months: 0 }))).toBe('BAD_REQUEST');
    await po.retention.setMonths({ months: 24 });
    expect(await po.retention.settings()).toEqual({ months: 24 });
    // A lead that reaches 24 months in ten days.
    const soon = Date.now() - 24 * 30.5 * 86_400_000 + 10 * 86_400_000;
    const id = t.f.leadsA[1] ?? 0;
    t.handle.db
      .update(schema.leads)
      .set({ lastActivityAt: soon })
      .where(eq(schema.leads.id, id))
      .run();
    const upcoming = await po.retention.upcoming();
    expect(upcoming.items.map((i) => i.id)).toEqual([id]);
    expect(upcoming.items[0]).not.toHaveProperty('name');
    const dry = await po.retention.run({ dryRun: true });
    const real = await t.as('admin').retention.run({ dryRun: false });
    expect(real.anonymised).toBe(dry.anonymised);
    for (const who of ['userA', 'auditor'] as const)
      expect(await outcome(t.as(who).retention.run({ dryRun: true }))).toBe('FORBIDDEN');
  });
});

describe('safe defaults', () => {
  it('DEMO_DATA is off unless asked for, and refused in production', () => {
    expect(loadEnv({}).DEMO_DATA).toBe(false);
    expect(loadEnv({ DEMO_DATA: 'true' }).DEMO_DATA).toBe(true);
    expect(() =>
      loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://x.no', DEMO_DATA: 'true' }),
    ).toThrow(/DEMO_DATA/);
    expect(loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://x.no' }).DEMO_DATA).toBe(false);
  });

  it('creates the database, its WAL and shm, and .eml files readable by the owner only', async () => {
    const dir = tempDir();
    const file = join(dir, 'db', 'mg.db');
    const handle = openDatabase(file);
    handle.sqlite.exec('create table t(x); insert into t values (1);');
    for (const f of [file, `${file}-wal`, `${file}-shm`])
      expect((statSync(f).mode & 0o777).toString(8)).toBe('600');
    handle.close();
    const outboxDir = join(dir, 'outbox');
    await createMailer({ OUTBOX_DIR: outboxDir, MAIL_FROM: 'a@b.no' }).send({
      to: 'x@example.no',
      subject: 's',
      text: 't',
      outboxId: 1,
    });
    const [eml] = readdirSync(outboxDir);
    expect((statSync(join(outboxDir, eml ?? '')).mode & 0o777).toString(8)).toBe('600');
  });
});
