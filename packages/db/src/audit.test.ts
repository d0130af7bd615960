import { describe, expect, it } from 'vitest';
import { appendAccessLog, verifyAccessLog } from './audit';
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
    expect(verifyAccessLog(handle.db)).toEqual({ ok: true, checked: 5 });
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
});
