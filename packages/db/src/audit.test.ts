import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS_DENIED_ACTION,
  accessLogEntryHash,
  appendAccessLog,
  chainHead,
  flushAnonymousDenials,
  GENESIS_HASH,
  hashEntry,
  mergeRanges,
  type RangeCheck,
  recordAnonymousDenial,
  strayTargetsAfter,
  type VerifyChunks,
  verifyAccessLog,
  verifyAccessLogRange,
} from './audit';
import { hashStoredEntry } from './audit-verify';
import { createTestDatabase } from './testing';

function logWithEntries(n: number) {
  const handle = createTestDatabase();
  for (let i = 0; i < n; i++)
    appendAccessLog(handle.db, {
      action: 'lead.view',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: [i + 1],
      actorUserId: 1,
    });
  return handle;
}

describe('access log', () => {
  it('verifies an intact chain', () => {
    const handle = logWithEntries(5);
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: 5, fromId: 1, toId: 5 });
    expect(verifyAccessLog(handle.db).head).toEqual(chainHead(handle.db));
  });

  it('verifies inside a transaction too (its snapshot nests as a savepoint)', () => {
    const handle = logWithEntries(3);
    const result = handle.db.transaction((tx) => {
      appendAccessLog(tx, {
        action: 'lead.view',
        outcome: 'ok',
        targetType: 'lead',
        targetIds: [9],
      });
      return verifyAccessLog(tx);
    });
    expect(result).toMatchObject({ ok: true, checked: 4 });
  });

  it('refuses UPDATE and DELETE', () => {
    const { sqlite } = logWithEntries(2);
    expect(() => sqlite.prepare('update access_log set action = ? where id = 1').run('x')).toThrow(
      /append-only/,
    );
    expect(() => sqlite.prepare('delete from access_log where id = 1').run()).toThrow(
      /append-only/,
    );
    expect(() => sqlite.prepare('delete from access_log_targets').run()).toThrow(/append-only/);
  });

  it('points at the first tampered entry when triggers are dropped', () => {
    const handle = logWithEntries(6);
    handle.sqlite.exec('drop trigger access_log_no_update; drop trigger access_log_no_delete;');
    handle.sqlite.prepare('update access_log set target_ids = ? where id = 4').run('[999]');
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: 4,
      reason: 'hash',
    });
  });

  it('finds a deleted entry in the middle', () => {
    const handle = logWithEntries(6);
    handle.sqlite.exec('drop trigger access_log_no_delete; pragma foreign_keys = off;');
    handle.sqlite.prepare('delete from access_log where id = 3').run();
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: false, firstBrokenId: 3 });
  });

  it('finds a re-hashed entry by its broken link', () => {
    const handle = logWithEntries(4);
    handle.sqlite.exec('drop trigger access_log_no_update;');
    handle.sqlite.prepare('update access_log set hash = ? where id = 2').run('f'.repeat(64));
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: 2,
      reason: 'hash',
    });
  });

  it('reports deleted target rows at their entry', () => {
    const handle = logWithEntries(6);
    handle.sqlite.exec('drop trigger access_log_targets_no_delete;');
    handle.sqlite.prepare('delete from access_log_targets where entry_id = 4').run();
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: 4,
      reason: 'targets',
      checked: 3,
    });
  });

  it('reports a changed target row, and one moved to another entry', () => {
    const handle = logWithEntries(6);
    handle.sqlite.exec('drop trigger access_log_targets_no_update;');
    handle.sqlite.prepare('update access_log_targets set target_id = 77 where entry_id = 5').run();
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: false, firstBrokenId: 5 });
    const other = logWithEntries(6);
    other.sqlite.exec('drop trigger access_log_targets_no_update;');
    other.sqlite
      .prepare("update access_log_targets set target_type = 'user' where entry_id = 2")
      .run();
    expect(verifyAccessLog(other.db)).toMatchObject({ ok: false, firstBrokenId: 2 });
  });

  it('reports a target row added to an earlier entry', () => {
    const handle = logWithEntries(6);
    handle.sqlite
      .prepare(
        "insert into access_log_targets (entry_id, target_type, target_id) values (2, 'lead', 42)",
      )
      .run();
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: 2,
      reason: 'targets',
    });
  });

  it('reports a target row for an entry that has none', () => {
    const handle = logWithEntries(3);
    appendAccessLog(handle.db, { action: 'auth.logout', outcome: 'ok' });
    handle.sqlite
      .prepare(
        "insert into access_log_targets (entry_id, target_type, target_id) values (4, 'lead', 1)",
      )
      .run();
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: false, firstBrokenId: 4 });
  });

  it('reads target rows across a gap in their rowids (by count when a span falls short)', () => {
    const handle = logWithEntries(6);
    // Rows keep their order with a gap after the third (as a rebuilt table might have).
    handle.sqlite.exec(`drop trigger access_log_targets_no_update;
      update access_log_targets set rowid = rowid + 100 where rowid > 3;`);
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: 6 });
    handle.sqlite.exec('update access_log_targets set target_id = 9 where rowid = 105');
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: 5,
      reason: 'targets',
    });
  });

  it('checks many target ids per entry, and entries without targets between them', () => {
    const handle = createTestDatabase();
    for (let i = 0; i < 30; i++) {
      const ids = Array.from({ length: i % 7 }, (_, k) => i * 100 + k);
      appendAccessLog(handle.db, {
        action: 'lead.list',
        outcome: 'ok',
        targetType: i % 3 === 0 ? null : 'lead',
        targetIds: ids,
      });
    }
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: 30 });
  });

  it('hashes odd text the same way on the fast path and the slow one', () => {
    const handle = createTestDatabase();
    const odd = [
      'quote " back \\ slash',
      'tab\tnew\nline\u0001\u001f',
      'ÆØÅ 😀 \u2028\u2029 /',
      '',
      'nul \u0000 byte',
    ];
    for (const text of odd)
      appendAccessLog(handle.db, {
        action: 'test.odd',
        outcome: 'ok',
        userAgent: text,
        detail: { text, nested: { list: [text, 1.5, null, true] } },
      });
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: odd.length });
    // The walk's re-hash (a raw row, no drizzle) is hashEntry's, field for field.
    const rows = handle.sqlite
      .prepare(
        `select id, prev_hash as prevHash, at, actor_user_id as actorUserId,
           actor_role as actorRole, action, purpose, target_type as targetType,
           target_ids as targetIds, target_count as targetCount, outcome,
           request_id as requestId, ip, user_agent as userAgent, detail,
           targets_after as targetsAfter, hash
         from access_log order by id`,
      )
      .all() as (Parameters<typeof hashEntry>[0] & { hash: string })[];
    expect(rows).toHaveLength(odd.length);
    for (const { hash, ...fields } of rows) {
      expect(hashEntry(fields)).toBe(hash);
      expect(hashStoredEntry(handle.sqlite, fields.id)).toBe(hash);
    }
  });

  it('checks from a known entry onwards (incremental)', () => {
    const handle = logWithEntries(8);
    const from = {
      id: 5,
      hash: handle.sqlite
        .prepare('select hash from access_log where id = 5')
        .pluck()
        .get() as string,
    };
    expect(verifyAccessLog(handle.db, { from })).toMatchObject({
      ok: true,
      fromId: 6,
      toId: 8,
      checked: 3,
    });
    // A broken entry before the starting point is not looked at; one after it is.
    handle.sqlite.exec('drop trigger access_log_targets_no_delete;');
    handle.sqlite.prepare('delete from access_log_targets where entry_id in (2, 7)').run();
    expect(verifyAccessLog(handle.db, { from })).toMatchObject({ ok: false, firstBrokenId: 7 });
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: false, firstBrokenId: 2 });
    // Starting from a wrong hash breaks the first link.
    expect(verifyAccessLog(handle.db, { from: { id: 5, hash: 'f'.repeat(64) } })).toMatchObject({
      ok: false,
      firstBrokenId: 6,
      reason: 'chain',
    });
  });
});

describe('anonymous denials', () => {
  const T0 = Date.UTC(2026, 11, 1, 12, 0, 5);

  it('become one entry per IP and minute, with the count', () => {
    const handle = createTestDatabase();
    const deny = (ip: string, at: number, action = 'lead.list') =>
      handle.db.transaction((tx) =>
        recordAnonymousDenial(
          tx,
          { ip, action, reason: 'unauthenticated', requestId: `r${at}` },
          at,
        ),
      );
    for (let i = 0; i < 50; i++)
      deny('203.0.113.7', T0 + i * 1000, i % 2 ? 'lead.list' : 'lead.byId');
    deny('198.51.100.1', T0 + 10_000);
    // Nothing in the log while the minute lasts.
    expect(verifyAccessLog(handle.db).checked).toBe(0);
    // The next minute's first denial writes the previous minute's entries.
    deny('203.0.113.7', T0 + 60_000);
    const rows = handle.sqlite
      .prepare('select action, ip, request_id, detail, outcome from access_log order by id')
      .all() as { action: string; ip: string; request_id: string; detail: string }[];
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.action)).toEqual([ANONYMOUS_DENIED_ACTION, ANONYMOUS_DENIED_ACTION]);
    const byIp = Object.fromEntries(rows.map((r) => [r.ip, JSON.parse(r.detail)]));
    expect(byIp['203.0.113.7']).toMatchObject({
      count: 50,
      minute: '2026-12-01T12:00:00.000Z',
      actions: ['lead.byId', 'lead.list'],
      reasons: ['unauthenticated'],
    });
    expect(byIp['198.51.100.1']).toMatchObject({ count: 1 });
    expect(rows.find((r) => r.ip === '203.0.113.7')?.request_id).toBe(`r${T0}`);
    // The new minute is counted apart, and written on a flush of everything (shutdown).
    expect(handle.db.transaction((tx) => flushAnonymousDenials(tx, T0 + 61_000))).toBe(0);
    expect(
      handle.db.transaction((tx) => flushAnonymousDenials(tx, T0 + 61_000, { all: true })),
    ).toBe(1);
    const last = handle.sqlite.prepare('select detail from access_log order by id desc').get() as {
      detail: string;
    };
    expect(JSON.parse(last.detail)).toMatchObject({ count: 1, minute: '2026-12-01T12:01:00.000Z' });
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: 3 });
  });
});

/**
 * A log split into ranges as the worker threads check it: every range on its own (start
 * hash read from the entry before, first target row found by binary search), joined by
 * mergeRanges, with a range that did not start where the one before ended checked again.
 */
function verifyInRanges(
  handle: ReturnType<typeof createTestDatabase>,
  size: number,
  chunks?: VerifyChunks,
) {
  const head = chainHead(handle.db);
  const toId = head?.id ?? 0;
  const startHash = (a: number) =>
    a === 1 ? GENESIS_HASH : (accessLogEntryHash(handle.db, a - 1)?.hash ?? GENESIS_HASH);
  const ranges: RangeCheck[] = [];
  for (let a = 1; a <= toId; a += size) {
    const b = Math.min(a + size - 1, toId);
    ranges.push(
      verifyAccessLogRange(handle.db, {
        fromId: a,
        toId: b,
        startHash: startHash(a),
        startRowid: a === 1 ? 0 : null,
        chunks,
      }),
    );
  }
  let rechecked = 0;
  const result = mergeRanges(
    { fromId: 1, toId, head },
    ranges,
    strayTargetsAfter(handle.db),
    (range, startRowid) => {
      rechecked++;
      return verifyAccessLogRange(handle.db, {
        fromId: range.fromId,
        toId: range.toId,
        startHash: startHash(range.fromId),
        startRowid,
        chunks,
      });
    },
  );
  return { result, rechecked };
}

/** 24 entries: one to four target ids each, every fifth without targets. */
function mixedLog() {
  const handle = createTestDatabase();
  for (let i = 1; i <= 24; i++)
    appendAccessLog(handle.db, {
      action: 'lead.list',
      outcome: 'ok',
      targetType: i % 5 === 0 ? null : i % 3 === 0 ? 'user' : 'lead',
      targetIds: i % 5 === 0 ? null : Array.from({ length: 1 + (i % 4) }, (_, k) => i * 10 + k),
    });
  handle.sqlite.exec(`drop trigger access_log_no_update; drop trigger access_log_no_delete;
    drop trigger access_log_targets_no_update; drop trigger access_log_targets_no_delete;
    pragma foreign_keys = off;`);
  return handle;
}

const firstRowOf = (entry: number) =>
  `(select min(rowid) from access_log_targets where entry_id = ${entry})`;
const lastRowOf = (entry: number) =>
  `(select max(rowid) from access_log_targets where entry_id = ${entry})`;

/** Tamperings around entries 8 and 9: a range boundary when ranges hold 8, 4, 2 or 1 entries. */
const TAMPERINGS: { name: string; sql: string; firstBrokenId: number }[] = [
  {
    name: 'target rows of the last entry of a range deleted',
    sql: 'delete from access_log_targets where entry_id = 8',
    firstBrokenId: 8,
  },
  {
    name: "the first row of a range's first entry changed",
    sql: `update access_log_targets set target_id = 1 where rowid = ${firstRowOf(9)}`,
    firstBrokenId: 9,
  },
  {
    name: 'a row moved back across the boundary',
    sql: `update access_log_targets set entry_id = 8 where rowid = ${firstRowOf(9)}`,
    firstBrokenId: 8,
  },
  {
    name: 'a row moved forward across the boundary',
    sql: `update access_log_targets set entry_id = 9 where rowid = ${lastRowOf(8)}`,
    firstBrokenId: 8,
  },
  {
    name: 'a row of the last entry of a range deleted (the binary search lands early)',
    sql: `delete from access_log_targets where rowid = ${lastRowOf(8)}`,
    firstBrokenId: 8,
  },
  {
    name: 'a row added to an earlier entry at the end of the table',
    sql: "insert into access_log_targets (entry_id, target_type, target_id) values (8, 'lead', 5)",
    firstBrokenId: 8,
  },
  {
    // Chain and target rows are checked a block at a time: the target row before the
    // changed entry decides, whether both fall in one block or the change in a later one.
    name: 'a target row changed before a changed entry',
    sql: `update access_log_targets set target_id = 1 where rowid = ${lastRowOf(8)};
      update access_log set action = 'lead.byId' where id = 9`,
    firstBrokenId: 8,
  },
  {
    name: 'a changed entry before a changed target row',
    sql: `update access_log set action = 'lead.byId' where id = 8;
      update access_log_targets set target_id = 1 where rowid = ${firstRowOf(9)}`,
    firstBrokenId: 8,
  },
  {
    name: 'the first entry of a range deleted',
    sql: 'delete from access_log where id = 9',
    firstBrokenId: 9,
  },
  {
    name: 'the last entry of a range deleted',
    sql: 'delete from access_log where id = 8',
    firstBrokenId: 8,
  },
  {
    name: 'the last entry of a range changed',
    sql: "update access_log set action = 'lead.byId' where id = 8",
    firstBrokenId: 8,
  },
  {
    name: 'the link of the first entry of a range changed',
    sql: `update access_log set prev_hash = '${'e'.repeat(64)}' where id = 9`,
    firstBrokenId: 9,
  },
  {
    name: 'the last entries cut off with their rows',
    sql: 'delete from access_log where id > 20; delete from access_log_targets where entry_id > 20',
    firstBrokenId: 0,
  },
  {
    name: 'a stray row for the head',
    sql: "insert into access_log_targets (entry_id, target_type, target_id) values (24, 'lead', 1)",
    firstBrokenId: 24,
  },
];

describe('access log checked in ranges (as the worker threads do)', () => {
  it('joins intact ranges of every size into the single walk’s answer', () => {
    const handle = mixedLog();
    const single = verifyAccessLog(handle.db);
    expect(single).toMatchObject({ ok: true, checked: 24 });
    for (const size of [1, 2, 3, 4, 5, 8, 24, 100])
      expect(verifyInRanges(handle, size)).toEqual({ result: single, rechecked: 0 });
    for (const [chain, targets] of [
      [1, 1],
      [2, 2],
      [3, 3],
      [7, 7],
      [2, 5],
      [5, 2],
    ] as const)
      expect(verifyInRanges(handle, 8, { chain, targets })).toEqual({
        result: single,
        rechecked: 0,
      });
  });

  for (const tampering of TAMPERINGS)
    it(`finds the same first broken entry: ${tampering.name}`, () => {
      const handle = mixedLog();
      handle.sqlite.exec(tampering.sql);
      const single = verifyAccessLog(handle.db);
      if (tampering.firstBrokenId === 0) expect(single).toMatchObject({ ok: true, toId: 20 });
      else expect(single).toMatchObject({ ok: false, firstBrokenId: tampering.firstBrokenId });
      for (const size of [1, 2, 3, 4, 5, 8, 24])
        expect({ size, ...verifyInRanges(handle, size).result }).toEqual({ size, ...single });
      // Batches of every size inside the ranges: a batch the fast paths do not vouch for is
      // walked entry by entry, and the answer stays the single walk's.
      // A range is checked a block (chunks.targets entries) at a time, chain then target
      // rows: blocks of another size than the chain's batches put the chain's break and the
      // target rows' break in different blocks, and the first of them must still decide.
      const sizes: [number, number][] = [
        [1, 1],
        [2, 2],
        [3, 3],
        [5, 5],
        [7, 7],
        [2, 5],
        [5, 2],
        [3, 7],
        [7, 3],
      ];
      for (const [chain, targets] of sizes)
        for (const rangeSize of [4, 24]) {
          const chunks = { chain, targets };
          const size = `${chain}/${targets}`;
          expect({ size, rangeSize, ...verifyInRanges(handle, rangeSize, chunks).result }).toEqual({
            size,
            rangeSize,
            ...single,
          });
          expect({ size, ...verifyAccessLog(handle.db, { chunks }) }).toEqual({ size, ...single });
        }
    });

  it('checks a range again from where the one before ended when the search lands elsewhere', () => {
    const handle = mixedLog();
    handle.sqlite.exec(`update access_log_targets set entry_id = 8 where rowid = ${firstRowOf(9)}`);
    // Ranges of 8: the second range's search skips the moved row; the first ends before it.
    expect(verifyInRanges(handle, 8).rechecked).toBeGreaterThan(0);
  });
});

/**
 * Append an entry with hand-made target fields and rows, hashed into the chain: what someone
 * who can write the file and re-hash the chain after it could leave.
 */
function appendCrafted(
  handle: ReturnType<typeof createTestDatabase>,
  target: { type: string; ids: string; count: number },
  rows: [type: string, target: unknown][],
  version: 1 | 2 = 1,
) {
  const head = chainHead(handle.db);
  const lastRow = handle.sqlite.prepare('select max(rowid) from access_log_targets').pluck().get();
  const fields = {
    id: (head?.id ?? 0) + 1,
    prevHash: head?.hash ?? GENESIS_HASH,
    at: Date.UTC(2026, 11, 2, 3, 0, 0),
    actorUserId: 1,
    actorRole: 'admin',
    action: 'lead.list',
    purpose: 'follow_up',
    targetType: target.type,
    targetIds: target.ids,
    targetCount: target.count,
    outcome: 'ok' as const,
    requestId: null,
    ip: null,
    userAgent: null,
    detail: null,
    // Version 1 entries have no targets_after (decision 035); version 2 as appendAccessLog.
    targetsAfter: version === 2 ? ((lastRow as number | null) ?? 0) : null,
  };
  handle.sqlite
    .prepare(
      `insert into access_log (id, prev_hash, at, actor_user_id, actor_role, action, purpose,
         target_type, target_ids, target_count, outcome, request_id, ip, user_agent, detail, hash,
         targets_after)
       values (@id, @prevHash, @at, @actorUserId, @actorRole, @action, @purpose, @targetType,
         @targetIds, @targetCount, @outcome, @requestId, @ip, @userAgent, @detail, @hash,
         @targetsAfter)`,
    )
    .run({ ...fields, hash: hashEntry(fields) });
  const insert = handle.sqlite.prepare(
    'insert into access_log_targets (entry_id, target_type, target_id) values (?, ?, ?)',
  );
  for (const [type, id] of rows) insert.run(fields.id, type, id);
  return fields.id;
}

/**
 * Rows whose text, joined, equals the text the entry's target fields call for, while the walk
 * refuses them: the batch comparison must not vouch for any of them.
 */
const LOOKALIKES: {
  name: string;
  target: { type: string; ids: string; count: number };
  rows: [string, unknown][];
}[] = [
  {
    name: 'a target id stored as a blob of its digits',
    target: { type: 'lead', ids: '[5]', count: 1 },
    rows: [['lead', Buffer.from('5')]],
  },
  {
    name: 'a target count below the ids, and a row whose type holds the rest',
    target: { type: 'lead', ids: '[11,21]', count: 1 },
    rows: [['lead 11,3 lead', 21]],
  },
  {
    name: 'a target count above the ids, and a row of another type filling its span',
    target: { type: 'lead', ids: '[5]', count: 2 },
    rows: [
      ['lead', 5],
      ['user', 6],
    ],
  },
  {
    name: 'a type holding a comma',
    target: { type: 'x 9,3 x', ids: '[5,7]', count: 4 },
    rows: [
      ['x', 9],
      ['x', 5],
      ['x', 9],
      ['x', 7],
    ],
  },
  {
    name: 'an id list holding a space',
    target: { type: 'lead', ids: '[5 9]', count: 1 },
    rows: [['lead 5', 9]],
  },
  {
    name: 'a real target id',
    target: { type: 'lead', ids: '[7.5]', count: 1 },
    rows: [['lead', 7.5]],
  },
  {
    name: 'a real target id that SQLite prints with an exponent',
    target: { type: 'lead', ids: '[1.0e+20]', count: 1 },
    rows: [['lead', 1e20]],
  },
  {
    name: 'a target id stored as text, and an id list naming it as a JSON string',
    target: { type: 'lead', ids: '["x5"]', count: 1 },
    rows: [['lead', 'x5']],
  },
  {
    name: 'an id list not opened by a bracket',
    target: { type: 'lead', ids: 'x5]', count: 1 },
    rows: [['lead', 5]],
  },
  {
    name: 'an id list not closed by a bracket',
    target: { type: 'lead', ids: '[5x', count: 1 },
    rows: [['lead', 5]],
  },
];

/** One genuine entry after the crafted one, then verify must stop at the crafted one's rows. */
function expectTargetsBrokenAt(handle: ReturnType<typeof logWithEntries>, id: number): void {
  appendAccessLog(handle.db, {
    action: 'lead.view',
    outcome: 'ok',
    targetType: 'lead',
    targetIds: [8],
  });
  expect(verifyAccessLog(handle.db)).toMatchObject({
    ok: false,
    firstBrokenId: id,
    reason: 'targets',
  });
}

describe('the fast paths vouch only for what the walk accepts', () => {
  for (const version of [1, 2] as const)
    for (const lookalike of LOOKALIKES)
      it(`target rows (chain version ${version}): ${lookalike.name}`, () => {
        const handle = logWithEntries(2);
        const id = appendCrafted(handle, lookalike.target, lookalike.rows, version);
        expectTargetsBrokenAt(handle, id);
      });

  for (const version of [1, 2] as const)
    it(`target rows (chain version ${version}): a null target id, and an id list naming null`, () => {
      const handle = logWithEntries(2);
      // The schema says NOT NULL; whoever holds the file can rebuild the table without it.
      handle.sqlite.exec(`
        create table loose_targets (entry_id integer, target_type text, target_id integer);
        insert into loose_targets (rowid, entry_id, target_type, target_id)
          select rowid, entry_id, target_type, target_id from access_log_targets;
        drop table access_log_targets;
        alter table loose_targets rename to access_log_targets;`);
      const id = appendCrafted(
        handle,
        { type: 'lead', ids: '[null]', count: 1 },
        [['lead', null]],
        version,
      );
      expectTargetsBrokenAt(handle, id);
    });

  it('the same entry with its genuine rows verifies (the lookalikes fail only on their rows)', () => {
    for (const version of [1, 2] as const) {
      const handle = logWithEntries(2);
      appendCrafted(
        handle,
        { type: 'lead', ids: '[11,21]', count: 2 },
        [
          ['lead', 11],
          ['lead', 21],
        ],
        version,
      );
      expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: 3 });
    }
  });

  it('chain: an entry re-hashed over a wrong previous hash breaks its link', () => {
    const handle = logWithEntries(5);
    handle.sqlite.exec('drop trigger access_log_no_update;');
    const row = handle.sqlite
      .prepare(
        `select id, (case when prev_hash like 'e%' then 'f' else 'e' end) || substr(prev_hash, 2)
           as prevHash, at, actor_user_id as actorUserId,
           actor_role as actorRole, action, purpose, target_type as targetType,
           target_ids as targetIds, target_count as targetCount, outcome, request_id as requestId,
           ip, user_agent as userAgent, detail, targets_after as targetsAfter
           from access_log where id = 3`,
      )
      .get() as Parameters<typeof hashEntry>[0];
    handle.sqlite
      .prepare('update access_log set prev_hash = ?, hash = ? where id = 3')
      .run(row.prevHash, hashEntry(row));
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: 3,
      reason: 'chain',
    });
  });
});

describe('chain version 2: target rows found by the span each entry hashed (decision 035)', () => {
  it('appends version 2 entries, each naming the row before its own', () => {
    const handle = createTestDatabase();
    appendAccessLog(handle.db, {
      action: 'a',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: [4, 5],
    });
    appendAccessLog(handle.db, { action: 'b', outcome: 'ok' });
    appendAccessLog(handle.db, { action: 'c', outcome: 'ok', targetType: 'user', targetIds: [6] });
    expect(
      handle.sqlite.prepare('select targets_after from access_log order by id').pluck().all(),
    ).toEqual([0, 2, 2]);
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: 3 });
  });

  it('names the row before its own after a rolled-back append and behind target-less entries', () => {
    const handle = createTestDatabase();
    // The first entry of an empty log has no head row to read the last target rowid with.
    appendAccessLog(handle.db, { action: 'a', outcome: 'ok', targetType: 'lead', targetIds: [1] });
    // An append rolled back with its savepoint (a failing intake form): its rows are gone, so
    // the next entry's rows start where entry 1's ended, not after the rolled-back ones.
    const rollBack = handle.sqlite.transaction(() => {
      appendAccessLog(handle.db, {
        action: 'b',
        outcome: 'ok',
        targetType: 'lead',
        targetIds: [2, 3, 4],
      });
      throw new Error('form failed');
    });
    handle.sqlite.transaction(() => {
      expect(() => rollBack()).toThrow('form failed');
      appendAccessLog(handle.db, { action: 'c', outcome: 'ok' });
      appendAccessLog(handle.db, {
        action: 'd',
        outcome: 'ok',
        targetType: 'lead',
        targetIds: [5, 6],
      });
      appendAccessLog(handle.db, {
        action: 'e',
        outcome: 'ok',
        targetType: 'lead',
        targetIds: [7],
      });
    })();
    expect(
      handle.sqlite
        .prepare('select id, action, targets_after as after from access_log order by id')
        .all(),
    ).toEqual([
      { id: 1, action: 'a', after: 0 },
      { id: 2, action: 'c', after: 1 },
      { id: 3, action: 'd', after: 1 },
      { id: 4, action: 'e', after: 3 },
    ]);
    expect(verifyAccessLog(handle.db)).toMatchObject({ ok: true, checked: 4 });
  });

  it('reports a row moved to another entry in place (its entry id changed)', () => {
    const handle = logWithEntries(6);
    handle.sqlite.exec('drop trigger access_log_targets_no_update;');
    handle.sqlite.prepare('update access_log_targets set entry_id = 3 where entry_id = 2').run();
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: 2,
      reason: 'targets',
    });
  });

  it('reports a version 2 entry whose targets_after was cleared or changed', () => {
    for (const value of [null, 0, 5]) {
      const handle = logWithEntries(6);
      handle.sqlite.exec('drop trigger access_log_no_update;');
      handle.sqlite.prepare('update access_log set targets_after = ? where id = 4').run(value);
      expect(verifyAccessLog(handle.db)).toMatchObject({
        ok: false,
        firstBrokenId: 4,
        reason: 'hash',
      });
    }
  });

  it('reports a row in a gap between the spans entries hashed', () => {
    const handle = logWithEntries(2);
    // Entry 3's span is rowids 3..4; a row of entry 3 at rowid 5 lies in no entry's span
    // (entry 4 hashed its rows as starting after rowid 5).
    const three = appendCrafted(
      handle,
      { type: 'lead', ids: '[11,21]', count: 2 },
      [
        ['lead', 11],
        ['lead', 21],
        ['lead', 31],
      ],
      2,
    );
    appendAccessLog(handle.db, { action: 'x', outcome: 'ok', targetType: 'lead', targetIds: [8] });
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: three,
      reason: 'targets',
    });
  });

  it('checks version 1 entries between version 2 entries the old way', () => {
    const handle = logWithEntries(2);
    const one = appendCrafted(handle, { type: 'lead', ids: '[11,21]', count: 2 }, [
      ['lead', 11],
      ['lead', 22],
    ]);
    appendAccessLog(handle.db, { action: 'x', outcome: 'ok', targetType: 'lead', targetIds: [8] });
    expect(verifyAccessLog(handle.db)).toMatchObject({
      ok: false,
      firstBrokenId: one,
      reason: 'targets',
    });
  });
});
