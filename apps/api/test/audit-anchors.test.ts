import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashEntry, verifyAccessLog } from '@mg/db';
import { testTempDir } from '@mg/db/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadEnv } from '../src/env';
import { checkAuditLogOffThread } from '../src/jobs/audit-verify';
import { appendAnchor, loadAnchorConfig, readAnchors, signAnchor } from '../src/lib/audit-anchors';
import { checkAuditLog } from '../src/lib/audit-check';
import { lastAccessLogEntry, outcome, setup, testAnchors } from './helpers';
import { cookieFor, publicApp } from './public-helpers';

/** A log with some reads in it, anchored by the auditor. */
async function anchoredLog() {
  const t = setup();
  for (let i = 0; i < 4; i++) await t.as('admin').lead.list({ limit: 3 });
  await t.as('admin').lead.byId({ id: t.f.leadsA[0] ?? 0 });
  const { anchored, check } = await t.as('auditor').audit.anchor();
  expect(check.ok).toBe(true);
  expect(anchored).not.toBeNull();
  // More entries after the anchor (the anchor call logged itself, too).
  await t.as('admin').lead.list({ limit: 3 });
  return { t, anchorId: anchored?.id ?? 0, config: testAnchors(t.handle) };
}

/** Rewrite every entry from `fromId` on so the chain holds again (what a careful forger does). */
function rehashFrom(t: ReturnType<typeof setup>, fromId: number) {
  const rows = t.entries();
  let prev = rows.find((r) => r.id === fromId - 1)?.hash ?? '0'.repeat(64);
  const update = t.handle.sqlite.prepare(
    'update access_log set prev_hash = ?, hash = ? where id = ?',
  );
  for (const row of rows.filter((r) => r.id >= fromId)) {
    const { hash: _h, ...fields } = row;
    const hash = hashEntry({ ...fields, prevHash: prev });
    update.run(prev, hash, row.id);
    prev = hash;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('access-log anchors', () => {
  it('verifies an anchored log, in full and from the anchor on', async () => {
    const { t, anchorId } = await anchoredLog();
    const full = await t.as('auditor').audit.verify({ mode: 'full' });
    expect(full).toMatchObject({ ok: true, mode: 'full', fromId: 1, anchors: 1 });
    expect(full.toId).toBe(full.head?.id);
    const incremental = await t.as('auditor').audit.verify();
    expect(incremental).toMatchObject({ ok: true, mode: 'incremental', fromId: anchorId + 1 });
    expect(incremental.anchor?.id).toBe(anchorId);
    expect(incremental.checked).toBeLessThan(full.checked);
  });

  it('checks in a worker thread with the same result', async () => {
    const { t, config } = await anchoredLog();
    const strip = ({ checkedAt: _c, durationMs: _d, ...rest }: ReturnType<typeof checkAuditLog>) =>
      rest;
    for (const mode of ['full', 'incremental'] as const) {
      const here = checkAuditLog(t.handle.db, config, mode);
      expect(strip(await checkAuditLogOffThread(t.handle.db, config, mode))).toEqual(strip(here));
    }
  });

  it('finds the last entries cut off', async () => {
    const { t, anchorId, config } = await anchoredLog();
    t.handle.sqlite.exec(
      'drop trigger access_log_no_delete; drop trigger access_log_targets_no_delete; pragma foreign_keys = off;',
    );
    const cut = anchorId - 1;
    t.handle.sqlite.prepare('delete from access_log_targets where entry_id >= ?').run(cut);
    t.handle.sqlite.prepare('delete from access_log where id >= ?').run(cut);
    // The chain alone still holds: only the anchor shows the cut.
    expect(verifyAccessLog(t.handle.db).ok).toBe(true);
    for (const mode of ['full', 'incremental'] as const)
      expect(checkAuditLog(t.handle.db, config, mode)).toMatchObject({
        ok: false,
        reason: 'truncated',
        firstBrokenId: cut,
      });
  });

  it('finds a changed entry whose chain was re-hashed after it', async () => {
    const { t, anchorId, config } = await anchoredLog();
    t.handle.sqlite.exec('drop trigger access_log_no_update;');
    t.handle.sqlite.prepare("update access_log set actor_role = 'auditor' where id = 2").run();
    rehashFrom(t, 2);
    expect(verifyAccessLog(t.handle.db).ok).toBe(true);
    expect(checkAuditLog(t.handle.db, config, 'full')).toMatchObject({
      ok: false,
      reason: 'anchorMismatch',
      firstBrokenId: anchorId,
    });
    expect(await t.as('auditor').audit.verify()).toMatchObject({
      ok: false,
      reason: 'anchorMismatch',
    });
  });

  it('finds deleted target rows through the API', async () => {
    const { t } = await anchoredLog();
    t.handle.sqlite.exec('drop trigger access_log_targets_no_delete;');
    const last = t.lastEntry()?.id ?? 0;
    t.handle.sqlite.prepare('delete from access_log_targets where entry_id = ?').run(last);
    expect(await t.as('auditor').audit.verify()).toMatchObject({
      ok: false,
      reason: 'targets',
      firstBrokenId: last,
    });
    expect(await t.as('auditor').audit.verify({ mode: 'full' })).toMatchObject({
      ok: false,
      reason: 'targets',
      firstBrokenId: last,
    });
  });

  it('refuses a forged anchor', async () => {
    const { t, config } = await anchoredLog();
    const head = t.lastEntry();
    if (!head) throw new Error('no entries');
    // Signed with another key: claims a head far beyond the log's.
    const forged = signAnchor(
      Buffer.from('x'.repeat(64)),
      { id: head.id + 50, hash: head.hash, at: head.at },
      Date.now(),
    );
    appendAnchor(config, forged);
    expect(readAnchors(config).forged).toEqual([2]);
    expect(checkAuditLog(t.handle.db, config, 'incremental')).toMatchObject({
      ok: false,
      reason: 'anchorForged',
      anchorLine: 2,
    });
    // A genuine line with its hash edited is forged too.
    const lines = readFileSync(config.anchorsFile, 'utf8').split('\n');
    const first = JSON.parse(lines[0] ?? '{}');
    writeFileSync(config.anchorsFile, `${JSON.stringify({ ...first, hash: 'a'.repeat(64) })}\n`);
    expect(checkAuditLog(t.handle.db, config, 'full')).toMatchObject({
      ok: false,
      reason: 'anchorForged',
      anchorLine: 1,
    });
  });

  it('anchors only a log that verifies', async () => {
    const { t, config } = await anchoredLog();
    t.handle.sqlite.exec('drop trigger access_log_no_update;');
    const last = t.lastEntry()?.id ?? 0;
    t.handle.sqlite.prepare("update access_log set action = 'x' where id = ?").run(last);
    const { anchored, check } = await t.as('auditor').audit.anchor();
    expect(anchored).toBeNull();
    expect(check).toMatchObject({ ok: false, reason: 'hash', firstBrokenId: last });
    expect(readAnchors(config).anchors).toHaveLength(1);
  });

  it('makes a key file and an anchors file only the owner can read', () => {
    const dir = testTempDir('mg-anchor-');
    const env = loadEnv({ NODE_ENV: 'test', DATABASE_PATH: join(dir, 'app.db') });
    const config = loadAnchorConfig(env);
    expect(statSync(join(dir, 'audit-anchor.key')).mode & 0o777).toBe(0o600);
    expect(config.key).toHaveLength(32);
    // The same key on the next start.
    expect(loadAnchorConfig(env).key).toEqual(config.key);
    appendAnchor(config, signAnchor(config.key, { id: 1, hash: '0'.repeat(64), at: 1 }, 2));
    expect(config.anchorsFile).toBe(join(dir, 'audit-anchors.jsonl'));
    expect(statSync(config.anchorsFile).mode & 0o777).toBe(0o600);
    expect(readAnchors(config)).toMatchObject({ forged: [], anchors: [{ id: 1 }] });
  });

  it('only the audit:verify permission may anchor', async () => {
    const t = setup();
    expect(await outcome(t.as('userA').audit.anchor())).toBe('FORBIDDEN');
    expect(await outcome(t.as('auditor').audit.anchor())).toBe('OK');
  });
});

describe('anonymous denials', () => {
  it('many unauthenticated calls in a minute make one entry with the count', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T11:00:10Z'));
    const t = setup();
    const before = t.entries().length;
    for (let i = 0; i < 40; i++)
      expect(await outcome(t.as('anonymous').lead.list({ limit: 5 }))).toBe('UNAUTHORIZED');
    expect(await outcome(t.as('anonymous').audit.list({ limit: 5 }))).toBe('UNAUTHORIZED');
    // Nothing appended while the minute lasts.
    expect(t.entries()).toHaveLength(before);
    vi.setSystemTime(new Date('2026-12-01T11:01:02Z'));
    expect(await outcome(t.as('anonymous').lead.byId({ id: 1 }))).toBe('UNAUTHORIZED');
    const added = t.entries().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      action: 'anonymous.denied',
      outcome: 'denied',
      ip: '127.0.0.1',
      requestId: 'test-anonymous',
    });
    expect(JSON.parse(added[0]?.detail ?? '{}')).toMatchObject({
      count: 41,
      minute: '2026-12-01T11:00:00.000Z',
      actions: ['lead.list', 'audit.list'],
      reasons: ['unauthenticated'],
    });
    // The new minute is a new entry.
    vi.setSystemTime(new Date('2026-12-01T11:02:00Z'));
    expect(await outcome(t.as('anonymous').lead.list({ limit: 5 }))).toBe('UNAUTHORIZED');
    const next = t.entries().slice(before);
    expect(next).toHaveLength(2);
    expect(JSON.parse(next[1]?.detail ?? '{}')).toMatchObject({
      count: 1,
      minute: '2026-12-01T11:01:00.000Z',
      actions: ['lead.byId'],
    });
    expect(verifyAccessLog(t.handle.db).ok).toBe(true);
  });

  it('signed-in denials stay one entry each', async () => {
    const t = setup();
    const before = t.entries().length;
    for (let i = 0; i < 3; i++)
      expect(await outcome(t.as('userA').audit.list({ limit: 5 }))).toBe('FORBIDDEN');
    expect(
      t
        .entries()
        .slice(before)
        .map((e) => [e.action, e.outcome]),
    ).toEqual([
      ['audit.list', 'denied'],
      ['audit.list', 'denied'],
      ['audit.list', 'denied'],
    ]);
  });
});

describe('lead.byId', () => {
  it("logs the ids of the same person's other leads it shows", async () => {
    const t = setup();
    const id = t.f.leadsA[0] ?? 0;
    const other = t.f.leadsB[0] ?? 0;
    const answer = await t.as('admin').lead.byId({ id });
    expect(answer.related.map((r) => r.id)).toEqual([other]);
    expect(t.lastEntry()).toMatchObject({
      action: 'lead.byId',
      targetIds: JSON.stringify([id, other]),
    });
    // "Who saw lead B" finds the read of lead A.
    const page = await t
      .as('auditor')
      .audit.list({ limit: 10, targetType: 'lead', targetId: other });
    expect(page.items.map((e) => e.action)).toContain('lead.byId');
  });
});

describe('request ids', () => {
  it("are made by the server; a client's x-request-id is kept apart, if plain", async () => {
    const { app, handle, f } = publicApp();
    const cookie = cookieFor(handle, f.users.admin);
    const get = (clientId: string) =>
      app.request('/trpc/lead.list?input=%7B%22limit%22%3A2%7D', {
        headers: { cookie, 'x-request-id': clientId },
      });
    const res = await get('client-chosen-id');
    expect(res.status).toBe(200);
    const entry = lastAccessLogEntry(handle);
    expect(entry?.action).toBe('lead.list');
    expect(entry?.requestId).not.toBe('client-chosen-id');
    expect(entry?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(entry?.requestId);
    expect(JSON.parse(entry?.detail ?? '{}').clientRequestId).toBe('client-chosen-id');
    // Too long, or odd characters: not kept at all.
    for (const odd of ['x'.repeat(65), 'a b', 'id"<script>']) {
      await get(odd);
      const e = lastAccessLogEntry(handle);
      expect(e?.requestId).not.toBe(odd);
      expect(JSON.parse(e?.detail ?? '{}')).not.toHaveProperty('clientRequestId');
    }
  });
});
