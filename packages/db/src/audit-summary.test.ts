import { AUDIT_PURPOSES, type AuditOutcome, type AuditPurpose } from '@mg/shared';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { appendAccessLog } from './audit';
import { faker, makeUser } from './factories';
import {
  AUDIT_SUMMARY_SCAN,
  type AuditSummaryFilter,
  type AuditSummaryGroup,
  auditSummarySql,
  summariseAccessLog,
} from './queries/audit-summary';
import { createTestDatabase, TEST_PASSWORD_HASH } from './testing';

type Stored = {
  id: number;
  at: number;
  actorUserId: number | null;
  actorRole: string | null;
  action: string;
  purpose: AuditPurpose;
  outcome: AuditOutcome;
  targetType: 'lead' | 'user';
  targetIds: number[];
};

const T0 = Date.UTC(2026, 0, 1);

/** A random log: a few users, leads 1-12 on list pages and detail views, some denials. */
function randomLog(seed: number) {
  faker.seed(seed);
  const handle = createTestDatabase();
  const people = ['admin', 'privacy_officer', 'subsidiary_user', 'auditor'] as const;
  const users = people.map((role, i) => ({
    id: makeUser(handle.db, {
      email: `u${i}@test.no`,
      role,
      name: `Bruker ${i}`,
      passwordHash: TEST_PASSWORD_HASH,
    }),
    role,
  }));
  const stored: Stored[] = [];
  for (let i = 0; i < 400; i++) {
    const user = faker.helpers.arrayElement([...users, null]);
    const list = faker.datatype.boolean();
    const entry = {
      at: T0 + i * 60_000 + faker.number.int({ min: 0, max: 59_000 }),
      actorUserId: user?.id ?? null,
      actorRole: user?.role ?? null,
      action: list ? 'lead.list' : faker.helpers.arrayElement(['lead.byId', 'lead.updateStatus']),
      purpose: faker.helpers.arrayElement(AUDIT_PURPOSES.slice(0, 3)),
      outcome: faker.helpers.weightedArrayElement([
        { weight: 5, value: 'ok' as const },
        { weight: 1, value: 'denied' as const },
      ]),
      targetType: faker.helpers.weightedArrayElement([
        { weight: 9, value: 'lead' as const },
        { weight: 1, value: 'user' as const },
      ]),
      targetIds: list
        ? faker.helpers.arrayElements(
            Array.from({ length: 12 }, (_, k) => k + 1),
            { min: 1, max: 6 },
          )
        : [faker.number.int({ min: 1, max: 12 })],
    };
    const id = appendAccessLog(handle.db, entry, entry.at);
    stored.push({ ...entry, id });
  }
  return { handle, users, stored };
}

/** The same grouping in plain code: the oracle. */
function oracle(stored: Stored[], f: AuditSummaryFilter, by: 'target' | 'actor') {
  const matching = stored.filter(
    (e) =>
      (f.targetId === undefined ||
        (e.targetIds.includes(f.targetId) &&
          (f.targetType === undefined || e.targetType === f.targetType))) &&
      (f.targetId !== undefined || f.targetType === undefined || e.targetType === f.targetType) &&
      (f.actorUserId === undefined || e.actorUserId === f.actorUserId) &&
      (f.action === undefined || e.action === f.action) &&
      (f.outcome === undefined || e.outcome === f.outcome) &&
      (f.from === undefined || e.at >= Date.parse(f.from)) &&
      (f.to === undefined || e.at <= Date.parse(f.to)),
  );
  const groups = new Map<string, Stored[]>();
  for (const e of matching) {
    const key =
      by === 'target'
        ? [e.actorUserId, e.actorRole, e.purpose, e.outcome].join('|')
        : [e.action, e.purpose, e.outcome, e.targetType].join('|');
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return {
    entries: matching.length,
    groups: [...groups.values()]
      .map((es) => {
        const [first] = es;
        if (!first) throw new Error('empty group');
        return {
          actorUserId: by === 'target' ? first.actorUserId : (f.actorUserId ?? null),
          actorRole: first.actorRole,
          action: by === 'target' ? null : first.action,
          actions: [...new Set(es.map((e) => e.action))].sort(),
          purpose: first.purpose,
          outcome: first.outcome,
          targetType: by === 'target' ? null : first.targetType,
          count: es.length,
          firstAt: Math.min(...es.map((e) => e.at)),
          lastAt: Math.max(...es.map((e) => e.at)),
        };
      })
      .sort((a, b) => b.lastAt - a.lastAt || b.count - a.count),
  };
}

const strip = (groups: AuditSummaryGroup[]) => groups.map(({ actorName: _n, ...g }) => g);

describe('summariseAccessLog', () => {
  it.each([1, 2, 3])('groups like the oracle (seed %i)', (seed) => {
    const { handle, users, stored } = randomLog(seed);
    const someone = users[2]?.id ?? 0;
    const filters: [AuditSummaryFilter, 'target' | 'actor'][] = [
      [{ targetId: 3 }, 'target'],
      [{ targetId: 3, targetType: 'lead' }, 'target'],
      [{ targetId: 7, outcome: 'denied' }, 'target'],
      [{ targetId: 5, action: 'lead.byId' }, 'target'],
      [
        {
          targetId: 9,
          from: new Date(T0 + 100 * 60_000).toISOString(),
          to: new Date(T0 + 300 * 60_000).toISOString(),
        },
        'target',
      ],
      [{ targetId: 2, actorUserId: someone }, 'target'],
      [{ actorUserId: someone }, 'actor'],
      [{ actorUserId: someone, targetType: 'user' }, 'actor'],
      [{ actorUserId: someone, outcome: 'ok', action: 'lead.list' }, 'actor'],
    ];
    for (const [filter, by] of filters) {
      const summary = summariseAccessLog(handle.db, filter);
      const expected = oracle(stored, filter, by);
      expect(summary?.by, JSON.stringify(filter)).toBe(by);
      expect(summary?.entries, JSON.stringify(filter)).toBe(expected.entries);
      expect(expected.groups.length, 'the oracle has groups to compare').toBeGreaterThan(0);
      expect(strip(summary?.groups ?? []), JSON.stringify(filter)).toEqual(expected.groups);
      expect(summary?.truncated).toBe(false);
    }
    // Names come from the users table; never a data subject's.
    const named = summariseAccessLog(handle.db, { targetId: 3 })?.groups.find(
      (g) => g.actorUserId === someone,
    );
    expect(named?.actorName).toBe('Bruker 2');
    expect(summariseAccessLog(handle.db, { action: 'lead.list' })).toBeNull();
  });

  it('reads at most the newest entries up to its cap, and says so', () => {
    const handle = createTestDatabase();
    const scan = 40;
    for (let i = 0; i < scan + 5; i++)
      appendAccessLog(
        handle.db,
        { action: 'lead.byId', outcome: 'ok', targetType: 'lead', targetIds: [1] },
        T0 + i,
      );
    const summary = summariseAccessLog(handle.db, { targetId: 1 }, scan);
    expect(summary).toMatchObject({ truncated: true, entries: scan });
    // The newest entries: the 5 oldest are the ones left out.
    expect(summary?.groups).toMatchObject([
      { count: scan, firstAt: T0 + 5, lastAt: T0 + scan + 4 },
    ]);
    expect(summariseAccessLog(handle.db, { targetId: 1 }, scan + 5)?.truncated).toBe(false);
    expect(AUDIT_SUMMARY_SCAN).toBeGreaterThanOrEqual(10_000);
  });
});

describe('the summary is index-backed', () => {
  const { sqlite } = createTestDatabase();
  const dialect = new SQLiteSyncDialect();
  /** EXPLAIN QUERY PLAN of the statements summariseAccessLog runs for a filter. */
  const plans = (filter: AuditSummaryFilter) => {
    const statements = auditSummarySql(filter);
    if (!statements) throw new Error('no summary for this filter');
    return [statements.count, statements.groups].map((statement) => {
      const { sql: text, params } = dialect.sqlToQuery(statement);
      return (sqlite.prepare(`explain query plan ${text}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    });
  };

  it.each([
    { targetId: 3 },
    { targetId: 3, targetType: 'lead' as const, outcome: 'denied' as const },
  ])('one target (%o): through access_log_targets_idx, entries by primary key', (filter) => {
    for (const p of plans(filter)) {
      expect(p).toMatch(/SEARCH t USING (COVERING )?INDEX access_log_targets_idx/);
      expect(p).toMatch(/SEARCH a USING INTEGER PRIMARY KEY/);
      expect(p).not.toMatch(/SCAN (a|t)\b/);
    }
  });

  it.each([
    { actorUserId: 2 },
    { actorUserId: 2, action: 'lead.byId', from: '2026-01-01T00:00:00Z' },
  ])('one actor (%o): through access_log_actor_idx, never a scan of the log', (filter) => {
    for (const p of plans(filter)) {
      expect(p).toMatch(/SEARCH a USING (COVERING )?INDEX access_log_(actor|action)_idx/);
      expect(p).not.toMatch(/SCAN a\b/);
    }
  });
});
