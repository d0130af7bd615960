import { LEAD_STATUSES } from '@mg/shared';
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Leads per Oslo calendar day, subsidiary, project and status, with the consent sums the
 * dashboard shows: the dashboard reads these few narrow rows instead of every lead in its
 * range (issue 11: ≤ 50 ms at a million leads). Kept by triggers on `leads` in the same
 * statement as every write (intake, status change, project move, consent, anonymise, delete),
 * so no write path can forget it; see the migration `lead_day_counts`. Derived data: the
 * recount oracle in lead-day-counts.test.ts checks it against the leads.
 */
export const leadDayCounts = sqliteTable(
  'lead_day_counts',
  {
    /** Oslo calendar day of the lead's created_at, 'YYYY-MM-DD'. */
    day: text('day').notNull(),
    subsidiaryId: integer('subsidiary_id').notNull(),
    projectId: integer('project_id').notNull(),
    status: text('status', { enum: LEAD_STATUSES }).notNull(),
    n: integer('n').notNull(),
    consentEmail: integer('consent_email').notNull(),
    consentSms: integer('consent_sms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.subsidiaryId, t.projectId, t.status] })],
);

/**
 * The columns of a roll-up by period (week, month): one count column per status, so a period
 * reads one row per subsidiary and project. One per LEAD_STATUSES entry (a new status needs a
 * migration anyway). A function: each table gets its own column builders.
 */
function periodCounts() {
  return {
    subsidiaryId: integer('subsidiary_id').notNull(),
    projectId: integer('project_id').notNull(),
    n: integer('n').notNull(),
    consentEmail: integer('consent_email').notNull(),
    consentSms: integer('consent_sms').notNull(),
    statusNew: integer('status_new').notNull(),
    statusContacted: integer('status_contacted').notNull(),
    statusFollowUp: integer('status_follow_up').notNull(),
    statusSold: integer('status_sold').notNull(),
    statusClosed: integer('status_closed').notNull(),
  };
}

/**
 * The same counts per Oslo week (its Monday), subsidiary and project, with one count column
 * per status: about 300 rows a week at a million leads where lead_day_counts holds about
 * 1,000 a day, so whole weeks of a dashboard range read ~25 times fewer rows (issue 11). Kept
 * by triggers on lead_day_counts (migration `lead_week_counts`), so it follows every change
 * the day counts follow; checked against a recount in lead-day-counts.test.ts.
 */
export const leadWeekCounts = sqliteTable(
  'lead_week_counts',
  {
    /** The Monday of the Oslo ISO week, 'YYYY-MM-DD'. */
    week: text('week').notNull(),
    ...periodCounts(),
  },
  (t) => [primaryKey({ columns: [t.week, t.subsidiaryId, t.projectId] })],
);

/**
 * The same counts per Oslo calendar month (its first day, 'YYYY-MM-01'), subsidiary and
 * project: a long dashboard range is drawn by month, and its whole months are read here (at
 * most 60 × ~300 rows for five years, where the weeks were 261 × ~300; issue 11, decision 032).
 * Kept by triggers on lead_day_counts beside the week triggers (migration
 * `lead_month_counts`); checked against a recount in lead-day-counts.test.ts.
 */
export const leadMonthCounts = sqliteTable(
  'lead_month_counts',
  {
    /** The first day of the Oslo calendar month, 'YYYY-MM-01'. */
    month: text('month').notNull(),
    ...periodCounts(),
  },
  (t) => [primaryKey({ columns: [t.month, t.subsidiaryId, t.projectId] })],
);

/**
 * Leads taken under each privacy-policy version, for policy.list: counting a version's leads
 * from leads_policy_version_idx reads one index entry per lead (~150 ms for a version holding
 * a million, on the event loop). Kept by triggers on `leads` (migration
 * `audience_hashes_week_counts`); checked against a recount in server-lists.test.ts.
 */
export const leadPolicyCounts = sqliteTable('lead_policy_counts', {
  policyVersionId: integer('policy_version_id').primaryKey(),
  n: integer('n').notNull(),
});
