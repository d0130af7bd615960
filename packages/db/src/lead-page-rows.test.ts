import { scopeFor } from '@mg/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { listLeads } from './queries/leads';
import { pageRows, pageRowsBuilt } from './queries/leads/grid';
import { createTestDatabase, type Fixture, seedFixture } from './testing';

// The grid's page rows are read by one hand-written statement (pageRows) instead of a query
// drizzle builds per request; drizzle's query stays as the reference they must equal, field
// for field and type for type (the flags are booleans, a missing assignee is null).
const handle = createTestDatabase();
let f: Fixture;
beforeAll(() => {
  f = seedFixture(handle);
  const { db } = handle;
  const [a0, a1] = f.leadsA;
  const [b0] = f.leadsB;
  // Every flag set on some lead and clear on another, an assignee who is active, one who is
  // deactivated, and leads without one, so each mapped column sees both of its values.
  db.run(sql`update users set active = 0 where id = ${f.users.userB}`);
  db.run(
    sql`update leads set assignee_user_id = ${f.users.userA}, restricted = 1, consent_sms = 1, anonymised_at = 5 where id = ${a0}`,
  );
  db.run(sql`update leads set legal_hold = 1, consent_email = 1 where id = ${a1}`);
  db.run(sql`update leads set assignee_user_id = ${f.users.userB} where id = ${b0}`);
  // The rows travel as JSON text from SQLite: text that JSON must escape, and missing contacts.
  db.run(
    sql`update leads set name = ${TRICKY}, email = null, phone = null, anonymised_at = ${2 ** 52 + 1} where id = ${a1}`,
  );
});
const TRICKY = 'Å "sitert" \\ skråstrek\nny linje\t🙂 \u0001 </script> \u2028';

const ALL = scopeFor({ role: 'admin', subsidiaryId: null });
const byId = <T extends { id: number }>(rows: T[]) => [...rows].sort((a, b) => a.id - b.id);

describe('grid page rows', () => {
  it('equal the rows drizzle builds, in every scope, with every flag both ways', () => {
    const { db } = handle;
    const ids = [...f.leadsA, ...f.leadsB];
    for (const scope of [
      ALL,
      scopeFor({ role: 'subsidiary_user', subsidiaryId: f.subA }),
      scopeFor({ role: 'subsidiary_user', subsidiaryId: f.subB }),
    ]) {
      const built = byId(pageRowsBuilt(db, ids, scope));
      expect(built.length).toBeGreaterThan(0);
      expect(byId(pageRows(db, ids, scope))).toStrictEqual(built);
    }
    const rows = byId(pageRows(db, ids, ALL));
    // The fixture really covers both values of each mapped column.
    for (const key of ['restricted', 'legalHold', 'consentEmail', 'consentSms'] as const)
      expect(new Set(rows.map((r) => r[key]))).toEqual(new Set([true, false]));
    expect(new Set(rows.map((r) => r.assigneeActive))).toEqual(new Set([true, false, null]));
    expect(rows.find((r) => r.name === TRICKY)).toMatchObject({
      email: null,
      phone: null,
      anonymisedAt: 2 ** 52 + 1,
    });
  });

  it('keep the scope: another subsidiary’s ids give nothing', () => {
    const scopeA = scopeFor({ role: 'subsidiary_user', subsidiaryId: f.subA });
    expect(pageRows(handle.db, [...f.leadsB], scopeA)).toEqual([]);
    expect(pageRows(handle.db, [], ALL)).toEqual([]);
  });

  it('come back in the page order, inside a transaction as well', () => {
    const page = handle.db.transaction((tx) =>
      listLeads(tx, { scope: ALL, filter: { sort: 'name', dir: 'asc', limit: 50 } }),
    );
    expect(page.items.map((r) => r.name)).toEqual(
      [...page.items.map((r) => r.name)].sort((a, b) => (a ?? '').localeCompare(b ?? '', 'nb')),
    );
    expect(page.items).toHaveLength(6);
  });
});
