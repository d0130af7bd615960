import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAccessLog, type RangeCheck } from '@mg/db';
import { createTestDatabase } from '@mg/db/testing';
import { describe, expect, it } from 'vitest';
import { checkAuditLogFile } from '../src/jobs/audit-verify';
import { prestartVerifyWorkers, threadsForFile } from '../src/jobs/audit-verify-pool';
import { type AuditCheck, checkAuditLog } from '../src/lib/audit-check';
import { testAnchors } from './helpers';

const strip = ({ checkedAt: _c, durationMs: _d, ...rest }: AuditCheck) => rest;

/** 30 entries with one to three target ids; three worker threads take ten entries each. */
function log() {
  const handle = createTestDatabase();
  for (let i = 1; i <= 30; i++)
    appendAccessLog(handle.db, {
      action: 'lead.byId',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: Array.from({ length: 1 + (i % 3) }, (_, k) => i * 10 + k),
    });
  return handle;
}

describe('access-log check in several worker threads', () => {
  it('agrees with the single walk on an intact log and on one broken at a range boundary', async () => {
    const handle = log();
    const config = testAnchors(handle);
    // Each thread reports its range and its own CPU time (what the benchmark prints).
    const reported: { fromId: number; checked: number; cpuMs: number | null }[] = [];
    const split = {
      workers: 3,
      minRange: 1,
      onRange: (range: RangeCheck, cpuMs: number | null) =>
        reported.push({ fromId: range.fromId, checked: range.checked, cpuMs }),
    };
    const intact = await checkAuditLogFile(handle.sqlite.name, config, 'full', split);
    expect(intact).toMatchObject({ ok: true, checked: 30, fromId: 1, toId: 30 });
    expect(
      reported
        .map(({ fromId, checked }) => ({ fromId, checked }))
        .sort((a, b) => a.fromId - b.fromId),
    ).toEqual([
      { fromId: 1, checked: 10 },
      { fromId: 11, checked: 10 },
      { fromId: 21, checked: 10 },
    ]);
    // Linux says (in whole clock ticks); elsewhere null.
    for (const { cpuMs } of reported)
      if (process.platform === 'linux') expect(cpuMs).toBeGreaterThanOrEqual(0);
      else expect(cpuMs).toBeNull();
    expect(strip(intact)).toEqual(strip(checkAuditLog(handle.db, config, 'full')));

    // The first row of entry 11 (the second thread's first entry) moved to entry 10 (the
    // first thread's last): the second thread's search starts after it, the first thread
    // ends before it, so the second range is checked again from the right row.
    handle.sqlite.exec(`drop trigger access_log_targets_no_update;
      update access_log_targets set entry_id = 10
        where rowid = (select min(rowid) from access_log_targets where entry_id = 11);`);
    const moved = await checkAuditLogFile(handle.sqlite.name, config, 'full', split);
    expect(moved).toMatchObject({ ok: false, reason: 'targets', firstBrokenId: 10 });
    expect(strip(moved)).toEqual(strip(checkAuditLog(handle.db, config, 'full')));
  }, 180_000);

  it('hands threads started early their ranges by message, and starts new ones when they run out', async () => {
    const handle = log();
    const config = testAnchors(handle);
    const split = { workers: 3, minRange: 1 };
    // Two waiting threads for three ranges: both are taken, a third is started as before.
    const pool = prestartVerifyWorkers(2);
    try {
      const intact = await checkAuditLogFile(handle.sqlite.name, config, 'full', {
        ...split,
        pool,
      });
      expect(pool.take()).toBeUndefined();
      expect(intact).toMatchObject({ ok: true, checked: 30, fromId: 1, toId: 30 });
    } finally {
      await pool.close();
    }
    // The same verdict as one walk when a range breaks: a target row of entry 15 deleted.
    handle.sqlite.exec(`drop trigger access_log_targets_no_delete;
      delete from access_log_targets
        where rowid = (select max(rowid) from access_log_targets where entry_id = 15);`);
    const again = prestartVerifyWorkers(3);
    try {
      const broken = await checkAuditLogFile(handle.sqlite.name, config, 'full', {
        ...split,
        pool: again,
      });
      expect(again.take()).toBeUndefined();
      expect(broken).toMatchObject({ ok: false, reason: 'targets', firstBrokenId: 15 });
      expect(strip(broken)).toEqual(strip(checkAuditLog(handle.db, config, 'full')));
    } finally {
      await again.close();
    }
  }, 180_000);

  it('checks the last range on the calling thread when asked (the CLI), starting no thread for it', async () => {
    const handle = log();
    const config = testAnchors(handle);
    // A worker file that does not exist: starting any thread beyond the two waiting ones
    // fails the check, so three ranges pass only when this thread takes the third.
    const split = {
      workers: 3,
      minRange: 1,
      inThisThread: true,
      bundledWorker: new URL('file:///nonexistent/audit-verify-worker.js'),
    };
    const reported: { fromId: number; cpuMs: number | null }[] = [];
    const pool = prestartVerifyWorkers(2);
    try {
      const intact = await checkAuditLogFile(handle.sqlite.name, config, 'full', {
        ...split,
        pool,
        onRange: (range, cpuMs) => reported.push({ fromId: range.fromId, cpuMs }),
      });
      expect(intact).toMatchObject({ ok: true, checked: 30, fromId: 1, toId: 30 });
      expect(reported.map((r) => r.fromId).sort((a, b) => a - b)).toEqual([1, 11, 21]);
      if (process.platform === 'linux')
        for (const { cpuMs } of reported) expect(cpuMs).toBeGreaterThanOrEqual(0);
    } finally {
      await pool.close();
    }
    // A target row of entry 25 (the range this thread checks) deleted, then one of entry 15
    // too: the verdict is the single walk's each time.
    handle.sqlite.exec(`drop trigger access_log_targets_no_delete;
      delete from access_log_targets
        where rowid = (select max(rowid) from access_log_targets where entry_id = 25);`);
    for (const first of [25, 15]) {
      if (first === 15)
        handle.sqlite.exec(`delete from access_log_targets
          where rowid = (select max(rowid) from access_log_targets where entry_id = 15);`);
      const again = prestartVerifyWorkers(2);
      try {
        const broken = await checkAuditLogFile(handle.sqlite.name, config, 'full', {
          ...split,
          pool: again,
        });
        expect(broken).toMatchObject({ ok: false, reason: 'targets', firstBrokenId: first });
        expect(strip(broken)).toEqual(strip(checkAuditLog(handle.db, config, 'full')));
      } finally {
        await again.close();
      }
    }
    // With no thread waiting and one range, nothing is started at all.
    const one = await checkAuditLogFile(handle.sqlite.name, config, 'full', {
      ...split,
      workers: 1,
    });
    expect(strip(one)).toEqual(strip(checkAuditLog(handle.db, config, 'full')));
  }, 180_000);

  it('starts early as many threads as the file (with its WAL) has room for ranges', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-verify-threads-'));
    try {
      const file = join(dir, 'log.db');
      expect(threadsForFile(file, 8)).toBe(1); // missing
      writeFileSync(file, Buffer.alloc(4_000_000));
      expect(threadsForFile(file, 8)).toBe(1); // fewer than 100,000 entries of 100 bytes
      writeFileSync(`${file}-wal`, Buffer.alloc(2_000_000));
      expect(threadsForFile(file, 8)).toBe(2);
      writeFileSync(file, Buffer.alloc(40_000_000));
      expect(threadsForFile(file, 8)).toBe(8);
      expect(threadsForFile(file, 2)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
