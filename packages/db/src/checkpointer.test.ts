import { describe, expect, it } from 'vitest';
import { appendAccessLog } from './audit';
import { type CheckpointResult, startWalCheckpointer, WAL_BACKSTOP_PAGES } from './checkpointer';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES } from './client';
import { createTestDatabase } from './testing';

const autocheckpoint = (handle: ReturnType<typeof createTestDatabase>) =>
  handle.sqlite.pragma('wal_autocheckpoint', { simple: true });

function until(done: () => boolean, ms = 10_000) {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (done()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error('timed out'));
      }
    }, 10);
  });
}

describe('the WAL checkpointer thread', () => {
  it('checkpoints what the request connection wrote, which no longer checkpoints itself', async () => {
    const handle = createTestDatabase();
    const results: CheckpointResult[] = [];
    const errors: string[] = [];
    const checkpointer = startWalCheckpointer(handle, {
      intervalMs: 20,
      onCheckpoint: (r) => results.push(r),
      onError: (e) => errors.push(e),
    });
    expect(checkpointer).not.toBeNull();
    // The request connection's own checkpoint is only a far backstop now.
    expect(autocheckpoint(handle)).toBe(WAL_BACKSTOP_PAGES);
    for (let i = 0; i < 200; i++)
      handle.db.transaction((tx) =>
        appendAccessLog(tx, {
          action: 'lead.list',
          outcome: 'ok',
          targetType: 'lead',
          targetIds: [i, i + 1],
        }),
      );
    // Every frame written so far reaches the database file from the other thread.
    await until(() => results.some((r) => r.log >= 200 && r.checkpointed === r.log));
    expect(errors).toEqual([]);
    await checkpointer?.stop();
    // Nothing lost: a new connection reads every entry.
    handle.close();
    const again = openDatabase(handle.sqlite.name);
    expect(again.sqlite.prepare('select count(*) as n from access_log').get()).toEqual({ n: 200 });
    again.close();
  });

  it('gives the connection its own checkpoint back when the thread ends', async () => {
    const handle = createTestDatabase();
    const checkpointer = startWalCheckpointer(handle, { intervalMs: 20 });
    expect(autocheckpoint(handle)).toBe(WAL_BACKSTOP_PAGES);
    await checkpointer?.stop();
    expect(autocheckpoint(handle)).toBe(WAL_AUTOCHECKPOINT_PAGES);
  });

  it('is not started for a database without a file', () => {
    const memory = openDatabase(':memory:');
    expect(startWalCheckpointer(memory)).toBeNull();
    memory.close();
  });
});
