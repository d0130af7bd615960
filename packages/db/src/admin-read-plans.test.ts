import { CONSENT_PURPOSES, type Scope, scopeFor, seededRandom } from '@mg/shared';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { makeLead, makePolicyVersion, makeProject, makeSubsidiary } from './factories';
import { addressHashesPending, backfillAddressHashes } from './queries/address-hash';
import { listAuditActions } from './queries/audit';
import { countAudience, recordSuppression } from './queries/consent';
import { dashboardSummary } from './queries/dashboard';
import { listPolicyVersions } from './queries/policy';
import { leadPolicyCounts, leads } from './schema';
import { createTestDatabase } from './testing';

/**
 * The admin pages' reads at a million leads (issue 11): the dashboard, the audience count,
 * policy.list and the audit page's actions each read an index or a table kept on write, never
 * every lead or every log entry. The statements are the ones the functions really run, caught
 * at prepare time and explained; and the policy counts kept by triggers equal a recount.
 */

const handle = createTestDatabase();
const { db, sqlite } = handle;
const subsidiaryId = makeSubsidiary(db, { name: 'Plan AS' });
const other = makeSubsidiary(db, { name: 'Annen Plan AS' });
const projectId = makeProject(db, subsidiaryId);
const otherProject = makeProject(db, other);
for (let i = 0; i < 8; i++)
  makeLead(
    db,
    { id: i % 2 ? projectId : otherProject, subsidiaryId: i % 2 ? subsidiaryId : other },
    {
      createdAt: Date.parse('2025-03-03T10:00:00Z') + i * 5 * 86_400_000,
      consent: { marketing_email: true, marketing_sms: true },
    },
  );
recordSuppression(db, { email: 'borte@example.no', purpose: 'marketing_email', at: 1 });
recordSuppression(db, { phone: '+4790000001', purpose: 'marketing_sms', at: 1 });

/** The query plans of every statement `run` prepares, one string per statement. */
function plansOf(run: () => void): { source: string; plan: string }[] {
  const sources: string[] = [];
  const original = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    sources.push(source);
    return original(source);
  }) as typeof sqlite.prepare;
  try {
    run();
  } finally {
    sqlite.prepare = original;
  }
  expect(sources.length).toBeGreaterThan(0);
  return sources.map((source) => {
    const params = (source.match(/\?/g) ?? []).map(() => 1);
    const plan = (
      original(`explain query plan ${source}`).all(...params) as { detail: string }[]
    ).map((r) => r.detail);
    return { source, plan: plan.join('\n') };
  });
}

/** A plan line that reads a whole table (a bare SCAN, not of an index or a CTE/subquery). */
const FULL_SCAN =
  /^SCAN (leads|lead_day_counts|lead_week_counts|lead_month_counts|access_log|lead_policy_counts|c)$/m;

const SCOPES: [string, Scope][] = [
  ['all', scopeFor({ role: 'admin', subsidiaryId: null })],
  ['subsidiary', scopeFor({ role: 'subsidiary_user', subsidiaryId })],
];

describe('the dashboard reads the counts kept on write by key', () => {
  for (const [name, scope] of SCOPES)
    it(`${name}: whole weeks and the clipped days by key, the unhandled by a covering index`, () => {
      // Wednesday to Thursday: clipped weeks at both ends and whole weeks between.
      const plans = plansOf(() =>
        dashboardSummary(db, {
          scope,
          from: '2025-03-05',
          to: '2025-04-24',
          now: Date.parse('2025-04-25T12:00:00Z'),
        }),
      );
      const all = plans.map((p) => p.plan).join('\n');
      expect(all).not.toMatch(FULL_SCAN);
      const seek = name === 'all' ? '' : ' AND subsidiary_id=?';
      // `c` is the counts table of each statement (lead_week_counts, lead_day_counts).
      expect(all).toContain(`SEARCH c USING PRIMARY KEY (week=?${seek})`);
      expect(all).toContain(`SEARCH c USING PRIMARY KEY (day=?${seek})`);
      // The unhandled count and oldest: the partial index that holds exactly those leads.
      expect(all).toMatch(/SEARCH leads USING COVERING INDEX leads_unhandled_open_idx/);
      expect(all).not.toMatch(/SEARCH leads USING INDEX leads_unhandled_idx/);
    });
  for (const [name, scope] of SCOPES)
    it(`${name}: a long range's whole months by key, its clipped months from weeks and days`, () => {
      const plans = plansOf(() =>
        dashboardSummary(db, {
          scope,
          from: '2025-01-15',
          to: '2025-09-10',
          now: Date.parse('2025-09-11T12:00:00Z'),
        }),
      );
      const all = plans.map((p) => p.plan).join('\n');
      expect(all).not.toMatch(FULL_SCAN);
      const seek = name === 'all' ? '' : ' AND subsidiary_id=?';
      expect(all).toContain(`SEARCH c USING PRIMARY KEY (month=?${seek})`);
      expect(all).toContain(`SEARCH c USING PRIMARY KEY (week=?${seek})`);
      expect(all).toContain(`SEARCH c USING PRIMARY KEY (day=?${seek})`);
    });
});

describe('the audience is counted from its partial index', () => {
  for (const [name, scope] of SCOPES)
    for (const purpose of CONSENT_PURPOSES)
      it(`${name}, ${purpose}: contacts in index order, opt-outs by the hash indexes`, () => {
        const plans = plansOf(() => countAudience(db, { scope, purpose }));
        const all = plans.map((p) => p.plan).join('\n');
        expect(all).not.toMatch(FULL_SCAN);
        expect(all).not.toMatch(/USE TEMP B-TREE FOR GROUP BY/);
        expect(all).toContain(
          `SCAN leads USING COVERING INDEX leads_audience_${purpose === 'marketing_email' ? 'email' : 'sms'}_idx`,
        );
        expect(all).toMatch(
          /SEARCH leads USING COVERING INDEX leads_email_hmac_idx \(email_hmac=\?\)/,
        );
        if (purpose === 'marketing_sms')
          expect(all).toMatch(
            /SEARCH leads USING COVERING INDEX leads_phone_hmac_idx \(phone_hmac=\?\)/,
          );
      });
});

describe('the address hash backfill', () => {
  it('finds the leads still to fill from its partial index alone', () => {
    const all = plansOf(() => {
      addressHashesPending(db);
      backfillAddressHashes(db, 10);
    })
      .map((p) => p.plan)
      .join('\n');
    expect(all).not.toMatch(FULL_SCAN);
    expect(all).not.toMatch(/MULTI-INDEX OR/);
    expect(all).toMatch(/SCAN leads USING INDEX leads_hmac_backfill_idx/);
  });
});

describe('policy.list and the audit page', () => {
  it('policy.list reads each version count by key', () => {
    makePolicyVersion(db, { label: 'v-plan', effectiveDate: '2024-01-01', body: 'x' });
    const all = plansOf(() => listPolicyVersions(db))
      .map((p) => p.plan)
      .join('\n');
    expect(all).toContain('SEARCH lead_policy_counts USING INTEGER PRIMARY KEY (rowid=?)');
    expect(all).not.toMatch(/leads/);
  });

  it('the audit actions are index seeks', () => {
    const all = plansOf(() => listAuditActions(db))
      .map((p) => p.plan)
      .join('\n');
    expect(all).not.toMatch(FULL_SCAN);
    expect(all).toMatch(
      /SEARCH access_log USING COVERING INDEX access_log_action_idx \(action>\?\)/,
    );
  });

  it('the policy counts kept by triggers equal a recount after random writes', () => {
    const random = seededRandom(31);
    const versions = [1, 2, 3].map((i) =>
      makePolicyVersion(db, { label: `v-telle-${i}`, effectiveDate: `2024-0${i}-01`, body: 'x' }),
    );
    const pickVersion = () =>
      random() < 0.2 ? null : (versions[Math.floor(random() * 3)] ?? null);
    const ids: number[] = [];
    for (let i = 0; i < 60; i++)
      ids.push(makeLead(db, { id: projectId, subsidiaryId }, { policyVersionId: pickVersion() }));
    for (let step = 0; step < 80; step++) {
      const id = ids[Math.floor(random() * ids.length)] ?? 0;
      if (random() < 0.7)
        db.update(leads).set({ policyVersionId: pickVersion() }).where(eq(leads.id, id)).run();
      else {
        // A bare lead (nothing refers to it) inserted and deleted again.
        const row = db
          .insert(leads)
          .values({
            projectId,
            subsidiaryId,
            source: 'demo',
            policyVersionId: pickVersion(),
            createdAt: 1,
            statusChangedAt: 1,
            lastActivityAt: 1,
            updatedAt: 1,
          })
          .returning({ id: leads.id })
          .get();
        if (random() < 0.5) db.delete(leads).where(eq(leads.id, row.id)).run();
      }
    }
    const recount = new Map(
      db
        .all<{ v: number; n: number }>(
          sql`select policy_version_id as v, count(*) as n from leads where policy_version_id is not null group by 1`,
        )
        .map((r) => [r.v, r.n]),
    );
    const kept = new Map(
      db
        .select()
        .from(leadPolicyCounts)
        .all()
        .filter((r) => r.n !== 0)
        .map((r) => [r.policyVersionId, r.n]),
    );
    expect(recount.size).toBe(3);
    expect(kept).toEqual(recount);
    for (const v of listPolicyVersions(db))
      expect(v.leadCount, v.label).toBe(recount.get(v.id) ?? 0);
  });
});
