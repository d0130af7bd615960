import { CONSENT_PURPOSES, type ConsentPurpose, scopeFor, seededRandom } from '@mg/shared';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appendAccessLog } from './audit';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { listAuditActions } from './queries/audit';
import { countAudience, listAudience, recordSuppression, suppressionHash } from './queries/consent';
import { createTestDatabase } from './testing';

/**
 * The counts and lists that moved into SQL for speed (issue 11), each against a recount
 * written out here in JavaScript from plain SELECTs: the audience (what the old code
 * computed row by row) and the audit page's action list.
 */

interface Plain {
  id: number;
  subsidiary_id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  consent_email: number;
  consent_sms: number;
  restricted: number;
  anonymised_at: number | null;
}

describe('audience counted and listed in SQL', () => {
  const handle = createTestDatabase();
  const { db, sqlite } = handle;
  const random = seededRandom(11);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const subs = [makeSubsidiary(db), makeSubsidiary(db)];
  const projects = subs.map((s) => ({ id: makeProject(db, s), subsidiaryId: s }));
  // Few addresses and numbers, so the same person shows up on several leads; mixed case
  // and spaces, which the suppression key normalises away.
  const emails = ['a@x.no', 'A@x.no ', 'b@x.no', 'c@x.no', 'd@x.no', 'e@x.no', ''];
  const phones = ['+4791111111', '+4792222222', '+4793333333', '+4794444444', ''];
  const ids: number[] = [];
  for (let i = 0; i < 220; i++) {
    const project = pick(projects);
    const id = makeLead(db, project, {
      name: random() < 0.05 ? '' : `Person ${i}`,
      email: pick(emails),
      phone: pick(phones),
      consent: { marketing_email: random() < 0.6, marketing_sms: random() < 0.5 },
    });
    ids.push(id);
  }
  // Restricted, anonymised and missing-contact leads, set directly.
  for (const id of ids) {
    const r = random();
    if (r < 0.08) sqlite.prepare('update leads set restricted = 1 where id = ?').run(id);
    else if (r < 0.14)
      sqlite
        .prepare(
          'update leads set name = null, email = null, phone = null, anonymised_at = 1 where id = ?',
        )
        .run(id);
    else if (r < 0.18) sqlite.prepare('update leads set phone = null where id = ?').run(id);
  }
  recordSuppression(db, { email: 'b@x.no', purpose: 'marketing_email', at: 1 });
  recordSuppression(db, { email: ' a@X.no', purpose: 'marketing_sms', at: 1 });

  /** The rules as the old code applied them, row by row, newest lead first. */
  function oracle(purpose: ConsentPurpose, subsidiaryId?: number) {
    const suppressed = new Set(
      (
        sqlite
          .prepare('select email_hash as h from suppressions where purpose = ?')
          .all(purpose) as { h: string }[]
      ).map((r) => r.h),
    );
    const rows = sqlite.prepare('select * from leads order by id desc').all() as Plain[];
    const seen = new Set<string>();
    const out: number[] = [];
    for (const r of rows) {
      const consent = purpose === 'marketing_email' ? r.consent_email : r.consent_sms;
      const contact = purpose === 'marketing_email' ? r.email : r.phone;
      if (consent !== 1 || r.restricted || r.anonymised_at !== null) continue;
      if (subsidiaryId !== undefined && r.subsidiary_id !== subsidiaryId) continue;
      if (!r.name || !r.email || !contact) continue;
      if (suppressed.has(suppressionHash(r.email))) continue;
      if (seen.has(contact)) continue;
      seen.add(contact);
      out.push(r.id);
    }
    return out;
  }

  const scopes = [
    ['all', scopeFor({ role: 'admin', subsidiaryId: null }), undefined],
    ...subs.map(
      (s) =>
        [`subsidiary ${s}`, scopeFor({ role: 'subsidiary_user', subsidiaryId: s }), s] as const,
    ),
  ] as const;

  it('the oracle itself leaves people out for every rule (the fixture covers them)', () => {
    const all = oracle('marketing_email');
    expect(all.length).toBeGreaterThan(0);
    const withoutRules = new Set(
      (
        sqlite.prepare('select email from leads where consent_email = 1').all() as {
          email: string | null;
        }[]
      ).map((r) => r.email),
    );
    expect(withoutRules.size).toBeGreaterThan(all.length);
  });

  for (const purpose of CONSENT_PURPOSES)
    for (const [label, scope, subsidiaryId] of scopes)
      it(`${purpose}, ${label}: countAudience and listAudience equal the recount`, () => {
        const expected = oracle(purpose, subsidiaryId);
        expect(countAudience(db, { scope, purpose })).toBe(expected.length);
        // A small chunk size, so the keyset between chunks is exercised too.
        const listed = [...listAudience(db, { scope, purpose, chunkSize: 7 })].flat();
        expect(listed.map((r) => r.id)).toEqual(expected);
        for (const row of listed) expect(row.contact).not.toBe('');
      });
});

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
