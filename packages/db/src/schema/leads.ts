import {
  CONSENT_PURPOSES,
  CONSENT_SOURCES,
  DISCLOSURE_KINDS,
  LEAD_SOURCES,
  LEAD_STATUSES,
  OBJECTION_KINDS,
  SUPPRESSION_KINDS,
} from '@mg/shared';
import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
} from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { nameSortSql } from './name-sort';
import { projects, subsidiaries } from './org';
import { policyVersions } from './policy';

/** Lower-case ASCII, then æ ø å → '{' '|' '}' so they sort after z, in Norwegian order. */
export const NAME_SORT_SQL = nameSortSql('name');
/** Lower-cased e-mail, '' once anonymised (twin: emailSortKey in @mg/shared). */
export const EMAIL_SORT_SQL = `coalesce(lower(email), '')`;
export const STATUS_RANK_SQL = `(case status ${LEAD_STATUSES.map((s, i) => `when '${s}' then ${i}`).join(' ')} else ${LEAD_STATUSES.length} end)`;

/**
 * The columns a grid filter tests besides the subsidiary, for the end of the sort indexes
 * (the flags and ranks take a byte each in an index entry, the ids two or three, the time six).
 */
const gridFilterColumns = (t: {
  createdAt: AnySQLiteColumn;
  statusRank: AnySQLiteColumn;
  projectId: AnySQLiteColumn;
  assigneeUserId: AnySQLiteColumn;
  consentEmail: AnySQLiteColumn;
  consentSms: AnySQLiteColumn;
  restricted: AnySQLiteColumn;
  legalHold: AnySQLiteColumn;
  anonymisedAt: AnySQLiteColumn;
}) =>
  [
    t.createdAt,
    t.statusRank,
    t.projectId,
    t.assigneeUserId,
    t.consentEmail,
    t.consentSms,
    t.restricted,
    t.legalHold,
    t.anonymisedAt,
  ] as const;

/**
 * After a driver index's (project or assignee, created_at, id): the other sort keys, the other
 * filter columns and the subsidiary (the scope, tested on the entry when it is hinted).
 */
const driverCoverColumns = (
  t: Parameters<typeof gridFilterColumns>[0] & {
    lastActivityAt: AnySQLiteColumn;
    nameSort: AnySQLiteColumn;
    emailSort: AnySQLiteColumn;
    subsidiaryId: AnySQLiteColumn;
  },
  driver: 'project' | 'assignee',
) => [
  t.lastActivityAt,
  t.nameSort,
  t.emailSort,
  ...gridFilterColumns(t).filter(
    (c) => c !== t.createdAt && c !== (driver === 'project' ? t.projectId : t.assigneeUserId),
  ),
  t.subsidiaryId,
];

export const leads = sqliteTable(
  'leads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    /** The subsidiary the lead is disclosed to; the record scope. */
    subsidiaryId: integer('subsidiary_id')
      .notNull()
      .references(() => subsidiaries.id),
    // Personal data: emptied by anonymisation.
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    message: text('message'),
    source: text('source', { enum: LEAD_SOURCES }).notNull(),
    policyVersionId: integer('policy_version_id').references(() => policyVersions.id),
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('new'),
    assigneeUserId: integer('assignee_user_id').references(() => users.id),
    restricted: integer('restricted', { mode: 'boolean' }).notNull().default(false),
    legalHold: integer('legal_hold', { mode: 'boolean' }).notNull().default(false),
    legalHoldReason: text('legal_hold_reason'),
    /** Who set the hold and when (the lift is on the timeline and in the access log). */
    legalHoldByUserId: integer('legal_hold_by_user_id').references(() => users.id),
    legalHoldAt: integer('legal_hold_at'),
    /** Why processing is restricted (GDPR art. 18 or an objection being assessed), who, when. */
    restrictedReason: text('restricted_reason'),
    restrictedByUserId: integer('restricted_by_user_id').references(() => users.id),
    restrictedAt: integer('restricted_at'),
    /**
     * Current consent per purpose, kept in step with consent_events by recordConsent (one
     * place) so list filters stay index-friendly. The events remain the record.
     */
    consentEmail: integer('consent_email', { mode: 'boolean' }).notNull().default(false),
    consentSms: integer('consent_sms', { mode: 'boolean' }).notNull().default(false),
    /**
     * SHA-256 of the unsubscribe token; the token itself is only in the e-mail (and in its
     * outbox row until sent).
     */
    unsubscribeTokenHash: text('unsubscribe_token_hash').unique(),
    idempotencyKey: text('idempotency_key').unique(),
    createdAt: integer('created_at').notNull(),
    statusChangedAt: integer('status_changed_at').notNull(),
    /** Last contact the prospect initiated or last status change: the retention clock. */
    lastActivityAt: integer('last_activity_at').notNull(),
    anonymisedAt: integer('anonymised_at'),
    updatedAt: integer('updated_at').notNull(),
    /**
     * The suppression keys of the lead's own addresses (suppressionHmac: HMAC-SHA-256 under the
     * server key of the normalised e-mail / E.164 phone, hex), so the audience is matched
     * against the suppression list in SQL (issue 11). Written with the address on every path
     * that sets, changes or clears it (setLeadAddressHashes); null once anonymised. Rows from
     * before this column are filled by backfillAddressHashes at start-up.
     */
    emailHmac: text('email_hmac'),
    phoneHmac: text('phone_hmac'),
    /**
     * Sort keys for the grid, kept by SQLite itself (virtual generated columns, indexed):
     * names case-insensitive with æ ø å after z (twin: nameSortKey in @mg/shared), statuses
     * in funnel order (twin: LEAD_STATUS_RANK). Anonymised names sort as ''.
     */
    nameSort: text('name_sort')
      .notNull()
      .generatedAlwaysAs(sql.raw(NAME_SORT_SQL), { mode: 'virtual' }),
    emailSort: text('email_sort')
      .notNull()
      .generatedAlwaysAs(sql.raw(EMAIL_SORT_SQL), { mode: 'virtual' }),
    statusRank: integer('status_rank')
      .notNull()
      .generatedAlwaysAs(sql.raw(STATUS_RANK_SQL), { mode: 'virtual' }),
  },
  (t) => [
    index('leads_subsidiary_created_idx').on(t.subsidiaryId, t.createdAt, t.id),
    index('leads_created_idx').on(t.createdAt, t.id),
    // The driver indexes (a project's, an assignee's leads) end in every sort key and filter
    // column: a driven page sorted by another key sorts the driver's entries and reads no row
    // (an assignee's 6,000 rows read at ~1.4 µs each were 8–20 ms a page; decision 050).
    index('leads_project_created_idx').on(
      t.projectId,
      t.createdAt,
      t.id,
      ...driverCoverColumns(t, 'project'),
    ),
    index('leads_status_idx').on(t.status, t.createdAt),
    index('leads_email_idx').on(t.email),
    index('leads_phone_idx').on(t.phone),
    // Keyset pages for every grid sort, with and without the subsidiary scope. After the sort
    // key and id, every column a grid filter tests (the status on its rank): a walk of the
    // sort index checks the filters on the entry and reads no row (SQLite defers the row's
    // seek; decision 050). Before, each entry walked read its row: a name sort ascending
    // with a date range passed the 35k anonymised leads' '' keys at ~1.4 µs each.
    index('leads_activity_idx').on(t.lastActivityAt, t.id, ...gridFilterColumns(t)),
    index('leads_subsidiary_activity_idx').on(
      t.subsidiaryId,
      t.lastActivityAt,
      t.id,
      ...gridFilterColumns(t),
    ),
    index('leads_name_sort_idx').on(t.nameSort, t.id, ...gridFilterColumns(t)),
    index('leads_subsidiary_name_sort_idx').on(
      t.subsidiaryId,
      t.nameSort,
      t.id,
      ...gridFilterColumns(t),
    ),
    index('leads_email_sort_idx').on(t.emailSort, t.id, ...gridFilterColumns(t)),
    index('leads_subsidiary_email_sort_idx').on(
      t.subsidiaryId,
      t.emailSort,
      t.id,
      ...gridFilterColumns(t),
    ),
    index('leads_status_rank_idx').on(
      t.statusRank,
      t.id,
      ...gridFilterColumns(t).filter((c) => c !== t.statusRank),
    ),
    index('leads_subsidiary_status_rank_idx').on(
      t.subsidiaryId,
      t.statusRank,
      t.id,
      ...gridFilterColumns(t).filter((c) => c !== t.statusRank),
    ),
    index('leads_assignee_idx').on(
      t.assigneeUserId,
      t.createdAt,
      t.id,
      ...driverCoverColumns(t, 'assignee'),
    ),
    // The project and assignee sorts within a subsidiary: each project's (each assignee's)
    // leads newest first, for the inner loop of the walk over names (decision 015). Without
    // the subsidiary the two indexes above serve.
    index('leads_subsidiary_project_created_idx').on(
      t.subsidiaryId,
      t.projectId,
      t.createdAt,
      t.id,
      ...driverCoverColumns(t, 'project').filter((c) => c !== t.subsidiaryId),
    ),
    index('leads_subsidiary_assignee_idx').on(
      t.subsidiaryId,
      t.assigneeUserId,
      t.createdAt,
      t.id,
      ...driverCoverColumns(t, 'assignee').filter((c) => c !== t.subsidiaryId),
    ),
    // Counting within a subsidiary reads index entries only: every filter column is here.
    index('leads_subsidiary_filter_idx').on(
      t.subsidiaryId,
      t.statusRank,
      t.assigneeUserId,
      t.consentEmail,
      t.consentSms,
      t.restricted,
      t.legalHold,
      t.anonymisedAt,
      t.projectId,
      t.createdAt,
    ),
    // Rare flags: small partial indexes, so filtering on them never walks the whole table.
    index('leads_restricted_idx').on(t.subsidiaryId, t.createdAt).where(sql`restricted = 1`),
    index('leads_legal_hold_idx').on(t.subsidiaryId, t.createdAt).where(sql`legal_hold = 1`),
    // Anonymised leads (a few percent, never touched by intake): every column the grid filters
    // and sorts on, so a page of them is read and sorted from this index alone (from the table
    // it cost ~1.4 µs a row: 35k rows at 1M, 40–100 ms a page; decision 030). anonymised_at is
    // a column too: a partial index's IS NOT NULL alone does not make it covering.
    index('leads_anonymised_cover_idx')
      .on(
        t.subsidiaryId,
        t.createdAt,
        t.id,
        t.lastActivityAt,
        t.status,
        t.statusRank,
        t.nameSort,
        t.emailSort,
        t.projectId,
        t.assigneeUserId,
        t.consentEmail,
        t.consentSms,
        t.restricted,
        t.legalHold,
        t.anonymisedAt,
      )
      .where(sql`anonymised_at is not null`),
    // The dashboard reads a date range grouped by project, subsidiary and status with consent
    // sums: this index holds every column it needs, so it never reads a lead row (decision 005).
    index('leads_dashboard_idx').on(
      t.createdAt,
      t.subsidiaryId,
      t.projectId,
      t.status,
      t.consentEmail,
      t.consentSms,
    ),
    // policy.list counts leads per policy version.
    index('leads_policy_version_idx').on(t.policyVersionId),
    // Suppressed leads found from the (short) suppression list, for the audience in SQL.
    index('leads_email_hmac_idx').on(t.emailHmac),
    index('leads_phone_hmac_idx').on(t.phoneHmac),
    // Rows whose hashes are still to be filled (empty once the start-up backfill is done).
    index('leads_hmac_backfill_idx')
      .on(t.id)
      .where(
        sql`(email is not null and email_hmac is null) or (phone is not null and phone_hmac is null)`,
      ),
    // The marketing audience per purpose, in contact order (counted as a streaming GROUP BY),
    // holding only the leads its export may hold: the terms are audienceTerms' (consent.ts).
    // The filter columns trail, so the count reads the index alone (SQLite does not take a
    // partial index's WHERE as providing them).
    index('leads_audience_email_idx')
      .on(t.email, t.subsidiaryId, t.consentEmail, t.restricted, t.anonymisedAt, t.name)
      .where(
        sql`consent_email = 1 and restricted = 0 and anonymised_at is null and name <> '' and email <> ''`,
      ),
    index('leads_audience_sms_idx')
      .on(t.phone, t.subsidiaryId, t.consentSms, t.restricted, t.anonymisedAt, t.name, t.email)
      .where(
        sql`consent_sms = 1 and restricted = 0 and anonymised_at is null and name <> '' and email <> '' and phone <> ''`,
      ),
    // The dashboard's "new and nobody has taken it".
    index('leads_unhandled_idx')
      .on(t.subsidiaryId, t.createdAt)
      .where(sql`status = 'new' and assignee_user_id is null`),
    // Exactly the dashboard's "unhandled" (also not restricted, not anonymised), so its count
    // of recent ones and its oldest are read from this index alone: leads_unhandled_idx would
    // walk every anonymised or restricted new lead at its start to find the oldest.
    index('leads_unhandled_open_idx')
      .on(t.subsidiaryId, t.createdAt, t.status, t.assigneeUserId, t.restricted, t.anonymisedAt)
      .where(
        sql`status = 'new' and assignee_user_id is null and restricted = 0 and anonymised_at is null`,
      ),
  ],
);

export const LEAD_ACTIVITY_KINDS = [
  'note',
  'status',
  'assignee',
  'restricted',
  'legal_hold',
] as const;

/** The lead's timeline: notes and changes, with who and when. */
export const leadActivities = sqliteTable(
  'lead_activities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    kind: text('kind', { enum: LEAD_ACTIVITY_KINDS }).notNull(),
    body: text('body'),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('lead_activities_lead_idx').on(t.leadId, t.at)],
);

export const disclosures = sqliteTable(
  'disclosures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    subsidiaryId: integer('subsidiary_id')
      .notNull()
      .references(() => subsidiaries.id),
    kind: text('kind', { enum: DISCLOSURE_KINDS }).notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('disclosures_lead_idx').on(t.leadId)],
);

/**
 * Objections (GDPR art. 21), one row each: what was objected to, why, who recorded it. An
 * objection other than to marketing restricts the lead while it is assessed.
 */
export const leadObjections = sqliteTable(
  'lead_objections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    kind: text('kind', { enum: OBJECTION_KINDS }).notNull(),
    reason: text('reason').notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('lead_objections_lead_idx').on(t.leadId)],
);

/** Append-only (triggers refuse UPDATE/DELETE). Current consent = latest event per purpose. */
export const consentEvents = sqliteTable(
  'consent_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    purpose: text('purpose', { enum: CONSENT_PURPOSES }).notNull(),
    granted: integer('granted', { mode: 'boolean' }).notNull(),
    source: text('source', { enum: CONSENT_SOURCES }).notNull(),
    policyVersionId: integer('policy_version_id').references(() => policyVersions.id),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('consent_events_lead_idx').on(t.leadId, t.purpose, t.id)],
);

/**
 * Opt-outs that survive erasure, one row per address and purpose: the address is the
 * normalised e-mail for marketing_email and the E.164 phone for marketing_sms, kept only as
 * HMAC-SHA-256 under the server's secret (`kind` 'hmac'), so a list of addresses cannot be
 * matched against the table without the key. `kind` 'sha256' rows are the plain SHA-256 of
 * the e-mail (for either purpose) written before the key existed: still honoured, and
 * re-keyed at start-up when a lead still holds the address. The column keeps its old name.
 */
export const suppressions = sqliteTable(
  'suppressions',
  {
    emailHash: text('email_hash').notNull(),
    purpose: text('purpose', { enum: CONSENT_PURPOSES }).notNull(),
    at: integer('at').notNull(),
    kind: text('kind', { enum: SUPPRESSION_KINDS }).notNull().default('sha256'),
  },
  (t) => [
    primaryKey({ columns: [t.emailHash, t.purpose] }),
    // Whether any legacy entry remains, in one probe (legacySuppressionsRemain): intake
    // skips the legacy key of every form once none does.
    index('suppressions_legacy_idx').on(t.kind).where(sql`kind = 'sha256'`),
  ],
);

/**
 * Double opt-in: a form ticked consent from a suppressed address, so the receipt carries a
 * single-use, time-limited link; only the link's SHA-256 is stored. Confirming records a
 * 'double_opt_in' consent event on the lead and lifts the suppression for those purposes.
 */
export const consentConfirmations = sqliteTable(
  'consent_confirmations',
  {
    tokenHash: text('token_hash').primaryKey(),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    /** The purposes to confirm, comma-separated (from CONSENT_PURPOSES). */
    purposes: text('purposes').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('consent_confirmations_lead_idx').on(t.leadId)],
);
