import {
  type CheckpointResult,
  COMMITS_PER_WAL_CATCH_UP,
  schema,
  startWalCheckpointer,
} from '@mg/db';
import { createTestDatabase } from '@mg/db/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_IDS_PART, logNowInParts, OPERATOR } from '../src/lib/access-log';

const handle = createTestDatabase();
afterAll(() => handle.close());

const request = { requestId: 'req-parts', clientRequestId: null, ip: null, userAgent: null };

function entries(action: string) {
  return handle.db
    .select()
    .from(schema.accessLog)
    .where(eq(schema.accessLog.action, action))
    .orderBy(asc(schema.accessLog.id))
    .all();
}

function targetsOf(entryId: number) {
  return handle.db
    .select()
    .from(schema.accessLogTargets)
    .where(eq(schema.accessLogTargets.entryId, entryId))
    .all()
    .map((t) => t.targetId);
}

describe('an entry naming many leads (issue 10: a 100k export held the loop ~0.4 s)', () => {
  it('is written in parts that together name every id, with a turn of the event loop between', async () => {
    const ids = Array.from({ length: 2 * LOG_IDS_PART + 7 }, (_, i) => i + 1);
    let turns = 0;
    const tick = () => {
      turns++;
      if (turns < 100) setImmediate(tick);
    };
    setImmediate(tick);
    await logNowInParts(handle.db, request, OPERATOR, {
      action: 'test.parts',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: ids,
      detail: { count: ids.length },
    });
    const written = entries('test.parts');
    expect(written.map((e) => e.targetCount)).toEqual([LOG_IDS_PART, LOG_IDS_PART, 7]);
    expect(written.map((e) => JSON.parse(e.detail ?? '{}'))).toEqual([
      { count: ids.length, part: 1, parts: 3 },
      { count: ids.length, part: 2, parts: 3 },
      { count: ids.length, part: 3, parts: 3 },
    ]);
    const named = written.flatMap((e) => targetsOf(e.id)).sort((a, b) => a - b);
    expect(named).toEqual(ids);
    // Other work ran between the parts: the event loop was not held for the whole list.
    expect(turns).toBeGreaterThanOrEqual(2);
  });

  it('up to one part is one entry, as before, without part numbers', async () => {
    const ids = Array.from({ length: LOG_IDS_PART }, (_, i) => i + 1);
    await logNowInParts(handle.db, request, OPERATOR, {
      action: 'test.one',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: ids,
      detail: { count: ids.length },
    });
    const [only, ...more] = entries('test.one');
    expect(more).toEqual([]);
    expect(only?.targetCount).toBe(LOG_IDS_PART);
    expect(JSON.parse(only?.detail ?? '{}')).toEqual({ count: ids.length });
  });

  it.each([
    ['a plain array', (ids: number[]) => ids],
    ['a Float64Array (the audience ids from a worker)', (ids: number[]) => Float64Array.from(ids)],
  ])(
    'takes a part size: entries of at most that many ids, every id exactly once (%s)',
    async (label, as) => {
      const action = `test.size.${label.length}`;
      // Not a multiple of the part: the last entry holds the rest. Ids out of order and far
      // apart, as an audience's (newest first) are.
      const ids = Array.from({ length: 3 * 1000 + 321 }, (_, i) => 900_000 - i * 7);
      await logNowInParts(
        handle.db,
        request,
        OPERATOR,
        {
          action,
          outcome: 'ok',
          targetType: 'lead',
          targetIds: as(ids),
          detail: { count: ids.length },
        },
        1000,
      );
      const written = entries(action);
      expect(written.map((e) => e.targetCount)).toEqual([1000, 1000, 1000, 321]);
      expect(written.every((e) => (e.targetCount ?? 0) <= 1000)).toBe(true);
      expect(written.map((e) => JSON.parse(e.detail ?? '{}'))).toEqual(
        [1, 2, 3, 4].map((part) => ({ count: ids.length, part, parts: 4 })),
      );
      // The entries' JSON and their target rows both name the selection, in order, each id once.
      expect(written.flatMap((e) => JSON.parse(e.targetIds ?? '[]') as number[])).toEqual(ids);
      const rows = written.flatMap((e) => targetsOf(e.id));
      expect(rows).toHaveLength(ids.length);
      expect(new Set(rows).size).toBe(ids.length);
      expect([...rows].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    },
  );

  it('a Float64Array up to one part is one entry of plain ids', async () => {
    const ids = Float64Array.from([5, 3, 1]);
    await logNowInParts(
      handle.db,
      request,
      OPERATOR,
      { action: 'test.small', outcome: 'ok', targetType: 'lead', targetIds: ids },
      1000,
    );
    const [only, ...more] = entries('test.small');
    expect(more).toEqual([]);
    expect(JSON.parse(only?.targetIds ?? 'null')).toEqual([5, 3, 1]);
    expect(targetsOf(only?.id ?? -1).sort()).toEqual([1, 3, 5]);
  });

  it('lets the WAL checkpointer catch up every few parts, so the WAL starts over instead of growing', async () => {
    const own = createTestDatabase();
    // Its own checkpoints an hour apart: only the parts' requests for one run here.
    const checkpointer = startWalCheckpointer(own, { intervalMs: 3_600_000 });
    const parts = COMMITS_PER_WAL_CATCH_UP * 6 + 3;
    const frames = () =>
      (own.sqlite.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]?.log ?? 0;
    try {
      // Everything checkpointed, so the next commit starts the WAL over: one part's frames.
      frames();
      await logNowInParts(own.db, request, OPERATOR, {
        action: 'test.wal.one',
        outcome: 'ok',
        targetType: 'lead',
        targetIds: Array.from({ length: 100 }, (_, i) => i + 1),
      });
      const onePart = frames();
      expect(onePart).toBeGreaterThan(0);
      await logNowInParts(
        own.db,
        request,
        OPERATOR,
        {
          action: 'test.wal',
          outcome: 'ok',
          targetType: 'lead',
          targetIds: Array.from({ length: parts * 100 }, (_, i) => i + 1),
        },
        100,
      );
      // At most the parts since the last catch-up are in the WAL, not all of them.
      expect(frames()).toBeLessThanOrEqual(onePart * (COMMITS_PER_WAL_CATCH_UP + 1));
    } finally {
      await checkpointer?.stop();
      own.close();
    }
  });
});
