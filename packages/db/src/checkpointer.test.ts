import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appendAccessLog } from './audit';
import {
  type CheckpointResult,
  startWalCheckpointer,
  WAL_BACKSTOP_PAGES,
  walCatchUp,
} from './checkpointer';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES } from './client';
import { createTestDatabase } from './testing';

const here = dirname(fileURLToPath(import.meta.url));

const autocheckpoint = (handle: ReturnType<typeof createTestDatabase>) =>
  handle.sqlite.pragma('wal_autocheckpoint', { simple: true });

/** One access-log entry in its own transaction: a commit's worth of WAL frames. */
function logOne(handle: ReturnType<typeof createTestDatabase>, i: number) {
  handle.db.transaction((tx) =>
    appendAccessLog(tx, {
      action: 'lead.list',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: [i, i + 1],
    }),
  );
}

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
    for (let i = 0; i < 200; i++) logOne(handle, i);
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

  it('checkpoints at once when asked (walCatchUp), so the next commit starts the WAL over', async () => {
    const handle = createTestDatabase();
    // Without a thread there is nothing to wait for.
    expect(await walCatchUp(handle.db)).toBeNull();
    // An hour between its own checkpoints: only the asked-for one runs in this test.
    const checkpointer = startWalCheckpointer(handle, { intervalMs: 3_600_000 });
    const write = (i: number) => logOne(handle, i);
    for (let i = 0; i < 200; i++) write(i);
    const caughtUp = await walCatchUp(handle.db);
    expect(caughtUp?.log).toBeGreaterThan(200);
    expect(caughtUp?.checkpointed).toBe(caughtUp?.log);
    write(1000);
    // The WAL started over: it holds the last commit's frames only.
    const [after] = handle.sqlite.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    expect(after?.log).toBeLessThan(20);
    await checkpointer?.stop();
    // Stopped, it answers null again.
    expect(await walCatchUp(handle.db)).toBeNull();
  });

  it('gives the connection its own checkpoint back when the thread ends', async () => {
    const handle = createTestDatabase();
    const checkpointer = startWalCheckpointer(handle, { intervalMs: 20 });
    expect(autocheckpoint(handle)).toBe(WAL_BACKSTOP_PAGES);
    await checkpointer?.stop();
    expect(autocheckpoint(handle)).toBe(WAL_AUTOCHECKPOINT_PAGES);
  });

  it('holds the process until the thread has stopped (a script ending on `await stop()`)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-checkpointer-'));
    try {
      const script = join(dir, 'stop.mts');
      // ESM with a top-level await and nothing else to do: once the thread closed its port,
      // such a script ended with exit code 13 before the thread had stopped (the benchmark did).
      writeFileSync(
        script,
        `import { openDatabase, migrateDatabase } from ${JSON.stringify(join(here, 'client.ts'))};
         import { startWalCheckpointer } from ${JSON.stringify(join(here, 'checkpointer.ts'))};
         const handle = openDatabase(${JSON.stringify(join(dir, 'db.sqlite'))});
         migrateDatabase(handle);
         const checkpointer = startWalCheckpointer(handle, { intervalMs: 10 });
         await checkpointer.stop();
         handle.close();
         console.log('stopped');`,
      );
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: here,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({
        status: 0,
        stdout: 'stopped',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not started for a database without a file', () => {
    const memory = openDatabase(':memory:');
    expect(startWalCheckpointer(memory)).toBeNull();
    memory.close();
  });
});
