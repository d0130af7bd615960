import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS_DENIED_ACTION,
  appendAccessLog,
  chainHead,
  flushAnonymousDenials,
  recordAnonymousDenial,
  verifyAccessLog,
} from './audit';
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
