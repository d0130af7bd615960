import {
  type CONSENT_PURPOSES,
  DSR_CHANNELS,
  DSR_EVENT_KINDS,
  DSR_STATUSES,
  DSR_TYPES,
  DSR_VERIFICATION_METHODS,
} from '@mg/shared';
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

/**
 * A data subject request. Dates: `receivedAt` is an instant (for a request registered by
 * staff, the start of the Oslo day it was received); `dueAt` is the start of the Oslo due day
 * (packages/shared/src/dsr.ts computes it). The subject's e-mail and phone are stored
 * normalised, as leads are matched on them.
 */
export const dsrRequests = sqliteTable(
  'dsr_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type', { enum: DSR_TYPES }).notNull(),
    subjectEmail: text('subject_email'),
    subjectPhone: text('subject_phone'),
    channel: text('channel', { enum: DSR_CHANNELS }).notNull(),
    receivedAt: integer('received_at').notNull(),
    dueAt: integer('due_at').notNull(),
    extendedReason: text('extended_reason'),
    /** The extension (art. 12(3)): 1 or 2 months, once; who and when. */
    extensionMonths: integer('extension_months'),
    extendedAt: integer('extended_at'),
    extendedByUserId: integer('extended_by_user_id').references(() => users.id),
    status: text('status', { enum: DSR_STATUSES }).notNull().default('received'),
    statusChangedAt: integer('status_changed_at').notNull(),
    statusChangedByUserId: integer('status_changed_by_user_id').references(() => users.id),
    verificationNote: text('verification_note'),
    /** link (the person clicked the mailed link) or manual (staff, with the note above). */
    verificationMethod: text('verification_method', { enum: DSR_VERIFICATION_METHODS }),
    outcome: text('outcome'),
    /** What the person wrote (public page) or what staff noted when registering it. */
    message: text('message'),
    createdByUserId: integer('created_by_user_id').references(() => users.id),
  },
  (t) => [
    index('dsr_requests_status_due_idx').on(t.status, t.dueAt),
    index('dsr_requests_email_idx').on(t.subjectEmail),
    index('dsr_requests_phone_idx').on(t.subjectPhone),
  ],
);

/**
 * The request's timeline: every status change (who, when, from, to, note), the extension and
 * each confirmation link sent. Append-only (triggers refuse UPDATE and DELETE): it is the
 * documentation that the request was handled in time (art. 5(2), 12(3)). `byUserId` is null
 * for the public (the person's own click, the public form).
 */
export const dsrEvents = sqliteTable(
  'dsr_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dsrId: integer('dsr_id')
      .notNull()
      .references(() => dsrRequests.id),
    at: integer('at').notNull(),
    byUserId: integer('by_user_id').references(() => users.id),
    kind: text('kind', { enum: DSR_EVENT_KINDS }).notNull(),
    fromStatus: text('from_status', { enum: DSR_STATUSES }),
    toStatus: text('to_status', { enum: DSR_STATUSES }),
    note: text('note'),
  },
  (t) => [index('dsr_events_dsr_idx').on(t.dsrId, t.id)],
);

/**
 * Identity-confirmation links: only SHA-256 of the token is stored (the token is only in the
 * mail), single-use (`usedAt`), valid until `expiresAt`.
 */
export const dsrTokens = sqliteTable(
  'dsr_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    dsrId: integer('dsr_id')
      .notNull()
      .references(() => dsrRequests.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('dsr_tokens_dsr_idx').on(t.dsrId)],
);

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
/**
 * A run is written in many short transactions (decision 046), so its row exists while it
 * runs; one left `running` when the process stopped is marked `interrupted` at the next start.
 */
export const RETENTION_RUN_STATUSES = ['running', 'finished', 'interrupted'] as const;

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
    /** When it finished; while it runs, the time of its last batch. */
    finishedAt: integer('finished_at').notNull(),
    status: text('status', { enum: RETENTION_RUN_STATUSES }).notNull().default('finished'),
  },
  (t) => [index('retention_runs_started_idx').on(t.startedAt)],
);

export const CONSENT_PURPOSE_COLUMNS = {
  marketing_email: 'consentEmail',
  marketing_sms: 'consentSms',
} as const satisfies Record<(typeof CONSENT_PURPOSES)[number], string>;
