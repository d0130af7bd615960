import { seededRandom } from '@mg/shared';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appendAccessLog } from './audit';
import { listAuditActions } from './queries/audit';
import { createTestDatabase } from './testing';

/**
 * Lists that moved into SQL for speed (issue 11), each against a recount written out here
 * from plain SELECTs, and the indexes the admin pages count with.
 */

describe('audit actions without reading the whole log', () => {
  it('equals SELECT DISTINCT over the log, in order', () => {
    const handle = createTestDatabase();
    const random = seededRandom(5);
    expect(listAuditActions(handle.db)).toEqual([]);
    const actions = ['lead.list', 'auth.login', 'lead.count', 'audit.list', 'zeta', 'a.b'];
    for (let i = 0; i < 150; i++) {
      handle.db.transaction((tx) =>
        appendAccessLog(tx, {
          actorUserId: null,
          actorRole: null,
          action: actions[Math.floor(random() * (i < 100 ? 3 : actions.length))] ?? 'x',
          outcome: 'ok',
        }),
      );
    }
    const distinct = handle.db
      .all<{ action: string }>(sql`select distinct action from access_log order by action`)
      .map((r) => r.action);
    expect(distinct.length).toBeGreaterThan(3);
    expect(listAuditActions(handle.db)).toEqual(distinct);
  });
});

describe('indexes the admin pages count with', () => {
  const { sqlite } = createTestDatabase();
  const plan = (query: string) =>
    (sqlite.prepare(`explain query plan ${query}`).all() as { detail: string }[])
      .map((r) => r.detail)
      .join('\n');

  it('policy.list counts leads per version from an index alone', () => {
    // The same correlated count listPolicyVersions runs per version.
    expect(
      plan(
        'select (select count(*) from leads where leads.policy_version_id = policy_versions.id) from policy_versions',
      ),
    ).toMatch(/USING COVERING INDEX leads_policy_version_idx/);
  });

  it('the dashboard reads a date range without touching lead rows', () => {
    expect(
      plan(
        `select project_id, subsidiary_id, status, count(*), sum(consent_email), sum(consent_sms)
         from leads where created_at >= 1 and created_at < 2 group by project_id, subsidiary_id, status`,
      ),
    ).toMatch(/USING COVERING INDEX leads_dashboard_idx/);
  });
});
