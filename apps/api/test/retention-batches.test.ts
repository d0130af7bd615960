import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type CheckpointResult,
  schema,
  setRetentionMonths,
  startRetentionRun,
  startWalCheckpointer,
} from '@mg/db';
import { makeLead } from '@mg/db/testing';
import { Cron } from 'croner';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE, scheduleRetention } from '../src/jobs/retention';
import { OPERATOR } from '../src/lib/access-log';
import { createLogger } from '../src/lib/logger';
import {
  nextBatchSize,
  RetentionRunBusy,
  retentionRun,
  startRetention,
} from '../src/lib/retention-run';
import { doneWithin } from '../src/routers/retention';
import { setup } from './helpers';

const SYSTEM = { actor: OPERATOR, request: { requestId: 'test', ip: null, userAgent: null } };
const NOW = Date.parse('2026-03-15T11:00:00Z');
const DAY = 86_400_000;
/** Small steps and batches, so a run of a few dozen leads crosses both edges many times. */
const SIZES = { step: 4, batch: 3 };

/**
 * A 12-month period and, at subsidiary A: `due` leads last active 400–(400 + due) days ago,
 * two of them under legal hold, three anonymised already, and five active 100 days ago.
 */
function withLeads(due: number) {
  const t = setup();
  const p = { id: t.f.projectA, subsidiaryId: t.f.subA };
  const ids = t.handle.db.transaction((tx) => {
    setRetentionMonths(tx, 12);
    const make = (n: number, daysAgo: (i: number) => number) =>
      Array.from({ length: n }, (_, i) => {
        const id = makeLead(tx, p, { name: `Person ${daysAgo(i)}`, createdAt: NOW - 900 * DAY });
        tx.update(schema.leads)
          .set({ lastActivityAt: NOW - daysAgo(i) * DAY })
          .where(eq(schema.leads.id, id))
          .run();
        return id;
      });
    const dueIds = make(due, (i) => 400 + i);
    const held = make(2, (i) => 500 + i);
    const gone = make(3, (i) => 600 + i);
    const recent = make(5, (i) => 100 + i);
    for (const id of held)
      tx.update(schema.leads).set({ legalHold: true }).where(eq(schema.leads.id, id)).run();
    tx.update(schema.leads)
      .set({ anonymisedAt: NOW - 30 * DAY, name: null })
      .where(inArray(schema.leads.id, gone))
      .run();
    return { due: dueIds, held, gone, recent };
  });
  const anonymisedAt = (leadIds: number[]) =>
    t.handle.db
      .select({ id: schema.leads.id, at: schema.leads.anonymisedAt })
      .from(schema.leads)
      .where(inArray(schema.leads.id, leadIds))
      .all();
  const newlyAnonymised = (leadIds: number[]) =>
    anonymisedAt(leadIds)
      .filter((r) => r.at === NOW)
      .map((r) => r.id)
      .sort((a, b) => a - b);
  const runRow = (id: number) =>
    t.handle.db.select().from(schema.retentionRuns).where(eq(schema.retentionRuns.id, id)).get();
  return { ...t, ids, newlyAnonymised, runRow };
}

const options = (dryRun: boolean) => ({
  scope: SYSTEM_SCOPE,
  dryRun,
  trigger: 'cli' as const,
  by: SYSTEM,
  outboxDir: undefined,
  sizes: SIZES,
});

describe('retention in batches (decision 046)', () => {
  it('anonymises every due lead, batch by batch, each batch with its own entry naming its leads', async () => {
    const t = withLeads(20);
    const before = t.entries().length;
    const dry = await retentionRun(t.handle.db, options(true), NOW);
    const real = await retentionRun(t.handle.db, options(false), NOW);

    expect([dry.anonymised, dry.skippedLegalHold]).toEqual([20, 2]);
    expect([real.anonymised, real.skippedLegalHold]).toEqual([20, 2]);
    expect(real.skipped.map((s) => s.id).sort((a, b) => a - b)).toEqual(t.ids.held);
    const all = [...t.ids.due, ...t.ids.held, ...t.ids.gone, ...t.ids.recent];
    expect(t.newlyAnonymised(all)).toEqual([...t.ids.due].sort((a, b) => a - b));

    const entries = t.entries().slice(before);
    const batches = entries.filter((e) => e.action === 'lead.anonymise');
    // 22 leads (20 due, 2 held) in batches of at most 3.
    expect(batches.length).toBe(Math.ceil(22 / SIZES.batch));
    const named = batches.flatMap((e) => JSON.parse(e.targetIds ?? '[]') as number[]);
    expect(named.sort((a, b) => a - b)).toEqual([...t.ids.due].sort((a, b) => a - b));
    for (const e of batches) {
      expect(JSON.parse(e.targetIds ?? '[]').length).toBeLessThanOrEqual(SIZES.batch);
      expect(JSON.parse(e.detail ?? '{}')).toMatchObject({
        reason: 'retention',
        runId: real.runId,
      });
    }
    expect(entries.map((e) => e.action).filter((a) => a.startsWith('retention.'))).toEqual([
      'retention.dryRun',
      'retention.run',
    ]);
    expect(JSON.parse(entries.at(-1)?.detail ?? '{}')).toMatchObject({
      runId: real.runId,
      anonymised: 20,
      skippedLegalHold: 2,
    });
    expect(t.runRow(real.runId)).toMatchObject({
      status: 'finished',
      anonymised: 20,
      skippedLegalHold: 2,
    });
    expect(t.runRow(dry.runId)).toMatchObject({ status: 'finished', anonymised: 20, dryRun: true });
  });

  it('leaves a lead that had new activity after the walk found it', async () => {
    const t = withLeads(12);
    // The walk goes from the oldest activity: the first made (400 days) comes last, several
    // batches after the first.
    const late = t.ids.due[0] ?? 0;
    const run = startRetention(
      t.handle.db,
      { ...options(false), sizes: { step: 50, batch: 3 } },
      NOW,
    );
    for (let turn = 0; (t.runRow(run.runId)?.anonymised ?? 0) === 0; turn++) {
      if (turn > 1000) throw new Error('the first batch never committed');
      await nextTurn();
    }
    t.handle.db
      .update(schema.leads)
      .set({ lastActivityAt: NOW - DAY })
      .where(eq(schema.leads.id, late))
      .run();
    const result = await run.done;
    expect(result.anonymised).toBe(11);
    expect(t.newlyAnonymised([late])).toEqual([]);
  });

  it('runs one at a time in a process: a second is refused until the first is done', async () => {
    const t = withLeads(6);
    const first = startRetention(t.handle.db, options(false), NOW);
    expect(() => startRetention(t.handle.db, options(true), NOW)).toThrow(RetentionRunBusy);
    expect(
      await t
        .as('privacy_officer')
        .retention.run({ dryRun: true })
        .catch((e) => e.message),
    ).toBe('retentionRunning');
    await first.done;
    const second = await retentionRun(t.handle.db, options(true), NOW);
    expect(second.anonymised).toBe(0);
  });

  it('a batch that fails leaves the batches before it and marks the run interrupted', async () => {
    const t = withLeads(9);
    // The walk goes from the oldest activity: held 501, 500 and due 408 days, then 407–405,
    // 404–402, and 401–400 last; a trigger makes the update of the 400-day lead fail.
    const [failing = 0, sameBatch = 0, ...before] = t.ids.due;
    t.handle.sqlite.exec(
      `create temp trigger fail_one before update of name on leads when old.id = ${failing}
       begin select raise(abort, 'disk on fire'); end`,
    );
    const run = startRetention(t.handle.db, options(false), NOW);
    await expect(run.done).rejects.toThrow('disk on fire');
    const row = t.runRow(run.runId);
    expect(row?.status).toBe('interrupted');
    const done = t.newlyAnonymised(t.ids.due);
    // Whole batches only: the failing lead's batch (with the 401-day lead) committed nothing.
    expect(done).toEqual(before.sort((a, b) => a - b));
    expect(done).not.toContain(sameBatch);
    expect(row?.anonymised).toBe(7);
    t.handle.sqlite.exec('drop trigger fail_one');
    const next = await retentionRun(t.handle.db, options(false), NOW);
    expect(next.anonymised).toBe(9 - done.length);
  });

  it('marks runs a stopped process left running as interrupted when the schedule starts', () => {
    const t = withLeads(0);
    const stale = t.handle.db.transaction((tx) =>
      startRetentionRun(tx, { dryRun: false, trigger: 'schedule', actorUserId: null }, NOW),
    );
    expect(t.runRow(stale.runId)?.status).toBe('running');
    const job = scheduleRetention({
      db: t.handle.db,
      outboxDir: '',
      pattern: '0 3 * * *',
      log: createLogger('silent'),
    });
    job.stop();
    expect(job).toBeInstanceOf(Cron);
    expect(t.runRow(stale.runId)?.status).toBe('interrupted');
  });

  it('the page is answered when the run is done, or after the wait with the run going on', async () => {
    expect(await doneWithin(Promise.resolve(7), 1000)).toBe(7);
    expect(await doneWithin(new Promise(() => {}), 10)).toBeNull();
  });
  it('sizes each batch from the pace of the last: as many leads as fit the time, 1 to 2 × the first', () => {
    expect(nextBatchSize({ step: 500, batch: 25 }, 25, 400)).toBe(25);
    const timed = { step: 500, batch: 25, batchMs: 50 };
    expect(nextBatchSize(timed, 25, 25)).toBe(50);
    expect(nextBatchSize(timed, 25, 100)).toBe(12);
    expect(nextBatchSize(timed, 25, 5_000)).toBe(1);
    expect(nextBatchSize(timed, 25, 10)).toBe(50);
    expect(nextBatchSize(timed, 25, 0)).toBe(50);
  });

  it('a run with a time per batch makes batches smaller when they are slow, larger when fast', async () => {
    const named = (entries: { action: string; targetIds: string | null }[]) =>
      entries
        .filter((e) => e.action === 'lead.anonymise')
        .map((e) => (JSON.parse(e.targetIds ?? '[]') as number[]).length);
    const slow = withLeads(20);
    const slowFrom = slow.entries().length;
    // No batch fits a millionth of a millisecond: after the first, one lead at a time.
    await retentionRun(
      slow.handle.db,
      { ...options(false), sizes: { ...SIZES, batchMs: 1e-6 } },
      NOW,
    );
    const small = named(slow.entries().slice(slowFrom));
    expect(small.reduce((a, b) => a + b, 0)).toBe(20);
    expect(small.slice(1).length).toBeGreaterThan(0);
    expect(Math.max(...small.slice(1))).toBe(1);

    const fast = withLeads(20);
    const fastFrom = fast.entries().length;
    // Every batch fits an hour: from the second on, 2 × 3 leads.
    await retentionRun(
      fast.handle.db,
      { ...options(false), sizes: { ...SIZES, batchMs: 3.6e6 } },
      NOW,
    );
    const large = named(fast.entries().slice(fastFrom));
    expect(large.reduce((a, b) => a + b, 0)).toBe(20);
    expect(Math.max(...large)).toBe(2 * SIZES.batch);
  });

  it('waits for a WAL checkpoint every few batches, so the WAL starts over during a long run', async () => {
    // The WAL's frames after a run of 20 batches, with the checkpointer thread there to ask
    // (its own checkpoints an hour apart) or stopped before the run.
    const framesAfterRun = async (askable: boolean) => {
      const t = withLeads(58);
      const checkpointer = startWalCheckpointer(t.handle, { intervalMs: 3_600_000 });
      if (!askable) await checkpointer?.stop();
      const frames = () =>
        (t.handle.sqlite.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]?.log ?? 0;
      frames();
      await retentionRun(t.handle.db, options(false), NOW);
      const left = frames();
      await checkpointer?.stop();
      return left;
    };
    const paced = await framesAfterRun(true);
    const unpaced = await framesAfterRun(false);
    expect(unpaced).toBeGreaterThan(0);
    expect(paced).toBeLessThan(unpaced / 2);
  });
});
