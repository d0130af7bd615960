import { desc, eq, lte, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection } from '../client';
import { leadPolicyCounts, policyVersions, users } from '../schema';

/** Every published version, newest effective date first, with how many leads were taken under it. */
export function listPolicyVersions(conn: Conn) {
  return conn
    .select({
      id: policyVersions.id,
      label: policyVersions.label,
      effectiveDate: policyVersions.effectiveDate,
      body: policyVersions.body,
      publishedAt: policyVersions.publishedAt,
      publishedByName: users.name,
      // Kept by triggers on leads (lead_policy_counts): counting the index would read one
      // entry per lead, ~150 ms for a version holding a million.
      leadCount: sql<number>`coalesce((select n from ${leadPolicyCounts} where ${leadPolicyCounts.policyVersionId} = ${policyVersions.id}), 0)`,
    })
    .from(policyVersions)
    .leftJoin(users, eq(users.id, policyVersions.publishedByUserId))
    .orderBy(desc(policyVersions.effectiveDate), desc(policyVersions.publishedAt))
    .all();
}

/**
 * The version in force on `today` (YYYY-MM-DD): the latest effective date not after today;
 * of two with the same date, the one published last. A version published ahead of its
 * effective date is not current until then.
 */
export function getCurrentPolicyVersion(conn: Conn, today: string) {
  return conn
    .select({
      id: policyVersions.id,
      label: policyVersions.label,
      effectiveDate: policyVersions.effectiveDate,
      body: policyVersions.body,
    })
    .from(policyVersions)
    .where(lte(policyVersions.effectiveDate, today))
    .orderBy(
      desc(policyVersions.effectiveDate),
      desc(policyVersions.publishedAt),
      desc(policyVersions.id),
    )
    .limit(1)
    .get();
}

const statements = preparedPerConnection((conn) => ({
  byLabel: conn
    .select({ id: policyVersions.id, label: policyVersions.label })
    .from(policyVersions)
    .where(eq(policyVersions.label, sql.placeholder('label')))
    .prepare(),
  current: conn
    .select({ id: policyVersions.id, label: policyVersions.label })
    .from(policyVersions)
    .where(lte(policyVersions.effectiveDate, sql.placeholder('today')))
    .orderBy(
      desc(policyVersions.effectiveDate),
      desc(policyVersions.publishedAt),
      desc(policyVersions.id),
    )
    .limit(1)
    .prepare(),
}));

export function findPolicyVersionByLabel(conn: Conn, label: string) {
  return statements(conn).byLabel.get({ label });
}

/** The id and label of the version in force on `today` (intake's default, without the text). */
export function getCurrentPolicyVersionRef(
  conn: Conn,
  today: string,
): { id: number; label: string } | undefined {
  return statements(conn).current.get({ today });
}

/** Publishing adds a row; old leads keep pointing at the version they were taken under. */
export function insertPolicyVersion(
  conn: Conn,
  input: { label: string; effectiveDate: string; body: string },
  publishedByUserId: number | null,
  now = Date.now(),
) {
  return conn
    .insert(policyVersions)
    .values({ ...input, publishedAt: now, publishedByUserId })
    .returning({ id: policyVersions.id })
    .get();
}

/** Today's date in Norway (YYYY-MM-DD), the calendar the effective dates are written in. */
export { osloDate } from '@mg/shared';

/** One version's text, by label (for showing the exact version a lead was taken under). */
export function getPolicyVersionByLabel(conn: Conn, label: string) {
  return conn
    .select({
      id: policyVersions.id,
      label: policyVersions.label,
      effectiveDate: policyVersions.effectiveDate,
      body: policyVersions.body,
    })
    .from(policyVersions)
    .where(eq(policyVersions.label, label))
    .get();
}
