import type { CONSENT_PURPOSES } from '@mg/shared';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { leads } from './leads';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;

/** Mail waits here; a job sends it with retries and back-off. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    leadId: integer('lead_id').references(() => leads.id),
    subsidiaryId: integer('subsidiary_id'),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /**
     * Extra mail headers as a JSON object (e.g. List-Unsubscribe), or null. Like the body,
     * blanked once the message is sent (see markOutboxSent).
     */
    headers: text('headers'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_lead_idx').on(t.leadId),
  ],
);

export const savedViews = sqliteTable(
  'saved_views',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    ownerUserId: integer('owner_user_id')
      .notNull()
      .references(() => users.id),
    /** personal | subsidiary | everyone */
    visibility: text('visibility', { enum: ['personal', 'subsidiary', 'everyone'] }).notNull(),
    subsidiaryId: integer('subsidiary_id'),
    /** JSON of the grid filter (the same shape as the URL state). */
    filter: text('filter').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('saved_views_owner_idx').on(t.ownerUserId)],
);

export const DSR_TYPES = [
  'access',
  'portability',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'consent_withdrawal',
] as const;
export const DSR_STATUSES = [
  'received',
  'identity_verified',
  'in_progress',
  'completed',
  'rejected',
] as const;

export const dsrRequests = sqliteTable('dsr_requests', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  type: text('type', { enum: DSR_TYPES }).notNull(),
  subjectEmail: text('subject_email'),
  subjectPhone: text('subject_phone'),
  channel: text('channel').notNull(),
  receivedAt: integer('received_at').notNull(),
  dueAt: integer('due_at').notNull(),
  extendedReason: text('extended_reason'),
  status: text('status', { enum: DSR_STATUSES }).notNull().default('received'),
  statusChangedAt: integer('status_changed_at').notNull(),
  statusChangedByUserId: integer('status_changed_by_user_id').references(() => users.id),
  verificationNote: text('verification_note'),
  outcome: text('outcome'),
  createdByUserId: integer('created_by_user_id').references(() => users.id),
});

export const dsrLeads = sqliteTable(
  'dsr_leads',
  {
    dsrId: integer('dsr_id')
      .notNull()
      .references(() => dsrRequests.id),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
  },
  (t) => [index('dsr_leads_lead_idx').on(t.leadId), index('dsr_leads_dsr_idx').on(t.dsrId)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const RETENTION_TRIGGERS = ['schedule', 'manual', 'cli'] as const;

/** One row per retention run (dry or real): what it did, for the history on the page. */
export const retentionRuns = sqliteTable(
  'retention_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dryRun: integer('dry_run', { mode: 'boolean' }).notNull(),
    trigger: text('trigger', { enum: RETENTION_TRIGGERS }).notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    periodMonths: integer('period_months').notNull(),
    /** Leads whose last activity is before this instant were due. */
    cutoffAt: integer('cutoff_at').notNull(),
    anonymised: integer('anonymised').notNull(),
    skippedLegalHold: integer('skipped_legal_hold').notNull(),
    sessionsDeleted: integer('sessions_deleted').notNull(),
    outboxDeleted: integer('outbox_deleted').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at').notNull(),
  },
  (t) => [index('retention_runs_started_idx').on(t.startedAt)],
);

export const CONSENT_PURPOSE_COLUMNS = {
  marketing_email: 'consentEmail',
  marketing_sms: 'consentSms',
} as const satisfies Record<(typeof CONSENT_PURPOSES)[number], string>;
